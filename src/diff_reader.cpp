// diff.json back into a Diff (see diff_reader.h); the inverse of diff_to_json.
#include "ah/diff_reader.h"

#include <array>

#include <fmt/format.h>
#include <simdjson.h>

namespace ah {

bool change_kind_from_string(std::string_view name, ChangeKind& kind) {
    const auto all = change_kinds_in_report_order();
    for (ChangeKind k : all)
        if (to_string(k) == name) {
            kind = k;
            return true;
        }
    return false;
}

namespace {

Error bad(const std::string& source, std::string message) {
    Error e;
    e.kind = ErrorKind::input;
    e.message = std::move(message);
    e.where.file = source;
    e.hint = "run `awesome-health check` again to rewrite it";
    return e;
}

std::string text_of(simdjson::dom::element object, std::string_view key) {
    std::string_view s;
    return object[key].get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}

}  // namespace

Result<Diff> diff_from_json(std::string_view json, const std::string& source) {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(json.data(), json.size()).get(doc) != simdjson::SUCCESS || !doc.is_object())
        return bad(source, "not a JSON object (diff.json)");
    Diff d;
    bool flag = false;
    if (doc["first_run"].get(flag) == simdjson::SUCCESS) d.first_run = flag;
    if (doc["different_list"].get(flag) == simdjson::SUCCESS) d.different_list = flag;
    d.old_generated_at = text_of(doc, "old_generated_at");
    d.new_generated_at = text_of(doc, "new_generated_at");
    d.list_source = text_of(doc, "list_source");
    std::int64_t n = 0;
    if (doc["targets"].get(n) == simdjson::SUCCESS && n >= 0) d.targets = static_cast<std::size_t>(n);
    simdjson::dom::array changes;
    if (doc["changes"].get(changes) != simdjson::SUCCESS) return bad(source, "no \"changes\" array (diff.json)");
    for (simdjson::dom::element item : changes) {
        if (!item.is_object()) return bad(source, "a change is not an object (diff.json)");
        Change c;
        const std::string kind = text_of(item, "kind");
        if (!change_kind_from_string(kind, c.kind))
            return bad(source, fmt::format("unknown change kind \"{}\" (diff.json of a newer version?)", kind));
        c.detail = text_of(item, "detail");
        c.url = text_of(item, "url");
        c.entry = text_of(item, "entry");
        c.section = text_of(item, "section");
        if (item["line"].get(n) == simdjson::SUCCESS) c.line = static_cast<int>(n);
        c.what = text_of(item, "what");
        c.since = text_of(item, "since");
        c.fix = text_of(item, "fix");
        d.changes.push_back(std::move(c));
    }
    return d;
}

}  // namespace ah
