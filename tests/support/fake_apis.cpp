// Fake GitHub GraphQL and arXiv APIs (see fake_apis.h).
#include "support/fake_apis.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/json_writer.h"

namespace ah::testing {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string xml_escape(std::string_view s) {
    std::string out;
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else {
            out += s[i] == '+' ? ' ' : s[i];
        }
    }
    return out;
}

std::string query_param(const std::string& target, const std::string& name) {
    const auto q = target.find('?');
    if (q == std::string::npos) return {};
    std::string_view rest(target);
    rest.remove_prefix(q + 1);
    while (!rest.empty()) {
        const auto amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        if (pair.substr(0, name.size() + 1) == name + "=") return url_decode(pair.substr(name.size() + 1));
        if (amp == std::string_view::npos) break;
        rest.remove_prefix(amp + 1);
    }
    return {};
}

}  // namespace

void FakeGithub::install(FixtureServer& server, const std::string& host) {
    const auto self = std::make_shared<FakeGithub>(*this);
    auto counter = requests;
    server.on(host, "/graphql", [self, counter](const RecordedRequest& r) {
        ++*counter;
        Reply reply;
        reply.headers = {{"Content-Type", "application/json; charset=utf-8"}};
        if (!self->expected_token.empty() && r.header("authorization") != "bearer " + self->expected_token &&
            r.header("authorization") != "Bearer " + self->expected_token) {
            reply.status = 401;
            reply.body = R"({"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql"})";
            return reply;
        }
        simdjson::dom::parser parser;
        simdjson::dom::element body;
        if (parser.parse(r.body).get(body) != simdjson::SUCCESS) {
            reply.status = 400;
            reply.body = R"({"message":"Problems parsing JSON"})";
            return reply;
        }
        simdjson::dom::object variables;
        if (body["variables"].get(variables) != simdjson::SUCCESS) {
            reply.status = 400;
            reply.body = R"({"message":"this fake expects the repositories as GraphQL variables"})";
            return reply;
        }
        JsonWriter data(false);
        JsonWriter errors(false);
        errors.begin_array();
        data.begin_object();
        for (int i = 0;; ++i) {
            std::string_view owner, name;
            if (variables[fmt::format("o{}", i)].get(owner) != simdjson::SUCCESS) break;
            if (variables[fmt::format("n{}", i)].get(name) != simdjson::SUCCESS) break;
            const std::string listed = fmt::format("{}/{}", owner, name);
            const std::string key = lower(listed);
            const std::string alias = fmt::format("r{}", i);
            if (self->missing.count(key)) {
                data.key(alias).null();
                errors.begin_object().field("type", "NOT_FOUND");
                errors.key("path").begin_array().value(alias).end_array();
                errors.field("message", fmt::format("Could not resolve to a Repository with the name '{}'.", listed));
                errors.end_object();
                continue;
            }
            FakeRepo repo;
            if (const auto it = self->repos.find(key); it != self->repos.end()) repo = it->second;
            const std::string nwo = repo.name_with_owner.empty() ? listed : repo.name_with_owner;
            data.key(alias).begin_object();
            data.field("nameWithOwner", nwo).field("url", "https://github.com/" + nwo);
            data.field("stargazerCount", repo.stars).field("pushedAt", repo.last_commit_at);
            data.field("isArchived", repo.archived).field("isDisabled", false).field("isFork", false);
            data.key("licenseInfo").begin_object().field("spdxId", "MIT").end_object();
            data.key("defaultBranchRef").begin_object().key("target").begin_object();
            data.field("committedDate", repo.last_commit_at).end_object().end_object();
            data.end_object();
        }
        data.key("rateLimit").begin_object().field("cost", 1).field("remaining", 4990);
        data.field("resetAt", "2026-11-27T04:00:00Z").end_object();
        data.end_object();
        errors.end_array();
        const std::string errors_json = errors.str();
        reply.body = fmt::format("{{\"data\":{}{}}}", data.str(),
                                 errors_json == "[]" ? "" : ",\"errors\":" + errors_json);
        return reply;
    });
}

void FakeArxiv::install(FixtureServer& server, const std::string& host) {
    const auto self = std::make_shared<FakeArxiv>(*this);
    auto counter = requests;
    server.on(host, "/api/query", [self, counter](const RecordedRequest& r) {
        ++*counter;
        const std::string id_list = query_param(r.target, "id_list");
        std::string entries;
        int count = 0;
        std::string_view rest = id_list;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string id(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            if (id.empty() || self->missing.count(id)) continue;
            FakePaper paper{"A paper about remote sensing number " + id, 1, "", ""};
            if (const auto it = self->papers.find(id); it != self->papers.end()) paper = it->second;
            ++count;
            entries += fmt::format(
                "  <entry>\n    <id>http://arxiv.org/abs/{}v{}</id>\n    <updated>2024-03-01T00:00:00Z</updated>\n"
                "    <published>2023-06-01T00:00:00Z</published>\n    <title>{}</title>\n"
                "    <summary>An abstract.</summary>\n    <author><name>A. Author</name></author>\n{}{}"
                "    <arxiv:primary_category xmlns:arxiv=\"http://arxiv.org/schemas/atom\" term=\"cs.CV\" "
                "scheme=\"http://arxiv.org/schemas/atom\"/>\n  </entry>\n",
                id, paper.version, xml_escape(paper.title),
                paper.comment.empty() ? "" : fmt::format("    <arxiv:comment xmlns:arxiv=\"http://arxiv.org/schemas/atom\">{}</arxiv:comment>\n", xml_escape(paper.comment)),
                paper.journal_ref.empty() ? "" : fmt::format("    <arxiv:journal_ref xmlns:arxiv=\"http://arxiv.org/schemas/atom\">{}</arxiv:journal_ref>\n", xml_escape(paper.journal_ref)));
        }
        Reply reply;
        reply.headers = {{"Content-Type", "application/atom+xml; charset=utf-8"}};
        reply.body = fmt::format(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
            "  <title type=\"html\">ArXiv Query: id_list={}</title>\n  <id>http://arxiv.org/api/fake</id>\n"
            "  <updated>2026-11-27T00:00:00-05:00</updated>\n"
            "  <opensearch:totalResults xmlns:opensearch=\"http://a9.com/-/spec/opensearch/1.1/\">{}</opensearch:totalResults>\n"
            "{}</feed>\n",
            xml_escape(id_list), count, entries);
        return reply;
    });
}

}  // namespace ah::testing
