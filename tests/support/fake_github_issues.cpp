// The fake GitHub issues API (see fake_github_issues.h). Handlers run on the fixture server's
// I/O thread while tests read the state from theirs, so everything is under one mutex.
#include "support/fake_github_issues.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <stdexcept>

#include <fmt/format.h>
#include <simdjson.h>

#include "ah/json_writer.h"

namespace ah::testing {

namespace {

constexpr std::size_t github_body_characters = 65536;

std::string url_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        } else if (s[i] == '+') {
            out += ' ';
        } else {
            out += s[i];
        }
    }
    return out;
}

std::map<std::string, std::string> query_of(const std::string& target) {
    std::map<std::string, std::string> q;
    const auto at = target.find('?');
    if (at == std::string::npos) return q;
    std::string_view rest = std::string_view(target).substr(at + 1);
    while (!rest.empty()) {
        const auto amp = std::min(rest.find('&'), rest.size());
        const std::string_view pair = rest.substr(0, amp);
        const auto eq = pair.find('=');
        if (eq == std::string_view::npos) q[url_decode(pair)] = "";
        else q[url_decode(pair.substr(0, eq))] = url_decode(pair.substr(eq + 1));
        rest = amp < rest.size() ? rest.substr(amp + 1) : std::string_view{};
    }
    return q;
}

std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

Reply json(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
    Reply r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    r.headers.emplace_back("Content-Type", "application/json; charset=utf-8");
    r.headers.emplace_back("X-RateLimit-Remaining", "4999");
    return r;
}

Reply message(int status, std::string_view text) {
    JsonWriter w(false);
    w.begin_object().field("message", text).field("documentation_url", "https://docs.github.com/rest").end_object();
    return json(status, w.take());
}

Reply validation_failed(std::string_view resource, std::string_view field, std::string_view code, std::string_view text) {
    JsonWriter w(false);
    w.begin_object().field("message", "Validation Failed").key("errors").begin_array();
    w.begin_object().field("resource", resource).field("field", field).field("code", code);
    if (!text.empty()) w.field("message", text);
    w.end_object().end_array().end_object();
    return json(422, w.take());
}

}  // namespace

struct FakeGitHubIssues::State {
    mutable std::mutex mutex;
    std::string repository;
    std::string token;
    std::vector<FakeIssue> issues;
    std::vector<std::string> labels;
    int max_per_page = 100;
    std::deque<std::pair<std::pair<std::string, std::string>, Reply>> scripted;

    void write_issue(JsonWriter& w, const FakeIssue& i, const std::string& base) const {
        w.begin_object().field("number", i.number).field("title", i.title);
        w.key("body");
        if (i.body.empty()) w.null();
        else w.value(i.body);
        w.field("state", i.state);
        w.key("state_reason");
        if (i.state_reason.empty()) w.null();
        else w.value(i.state_reason);
        w.key("labels").begin_array();
        for (const auto& l : i.labels) w.begin_object().field("name", l).end_object();
        w.end_array();
        w.field("html_url", fmt::format("https://github.com/{}/{}/{}", repository, i.pull_request ? "pull" : "issues", i.number));
        w.field("url", fmt::format("{}/issues/{}", base, i.number));
        if (i.pull_request)
            w.key("pull_request").begin_object().field("url", fmt::format("{}/pulls/{}", base, i.number)).end_object();
        w.field("comments", i.comments.size());
        w.end_object();
    }

    FakeIssue* find(int number) {
        for (auto& i : issues)
            if (i.number == number && !i.pull_request) return &i;
        return nullptr;
    }

    Reply handle(const RecordedRequest& r) {
        std::lock_guard lock(mutex);
        for (auto it = scripted.begin(); it != scripted.end(); ++it) {
            if (it->first.first == r.method && it->first.second == r.path) {
                Reply reply = std::move(it->second);
                scripted.erase(it);
                return reply;
            }
        }
        // The repository, by name or by id.
        const std::string by_name = "/repos/" + repository;
        const std::string by_id = fmt::format("/repositories/{}", repository_id);
        std::string rest;
        if (r.path.rfind(by_name, 0) == 0 && (r.path.size() == by_name.size() || r.path[by_name.size()] == '/'))
            rest = r.path.substr(by_name.size());
        else if (r.path.rfind(by_id, 0) == 0 && (r.path.size() == by_id.size() || r.path[by_id.size()] == '/'))
            rest = r.path.substr(by_id.size());
        else
            return message(404, "Not Found");

        const std::string auth = r.header("Authorization");
        if (!auth.empty() && auth != "Bearer " + token) return message(401, "Bad credentials");
        const bool reading = r.method == "GET" || r.method == "HEAD";
        if (auth.empty() && !reading) return message(401, "Requires authentication");

        const std::string scheme = r.tls ? "https" : "http";
        const std::string base = fmt::format("{}://{}{}", scheme, r.host, by_name);

        if (rest == "/issues" && reading) return list(r, scheme);
        if (rest == "/issues" && r.method == "POST") return create(r, base);
        if (rest.rfind("/issues/", 0) == 0) {
            const std::string tail = rest.substr(8);
            const auto slash = tail.find('/');
            const int number = std::atoi(tail.substr(0, slash).c_str());
            FakeIssue* issue = find(number);
            if (!issue) return message(404, "Not Found");
            if (slash == std::string::npos && r.method == "PATCH") return update(r, *issue, base);
            if (slash != std::string::npos && tail.substr(slash) == "/comments" && r.method == "POST")
                return comment(r, *issue);
        }
        if (rest.rfind("/labels/", 0) == 0 && reading) {
            const std::string name = url_decode(rest.substr(8));
            if (std::find(labels.begin(), labels.end(), name) == labels.end()) return message(404, "Not Found");
            JsonWriter w(false);
            w.begin_object().field("name", name).field("color", "ededed").end_object();
            return json(200, w.take());
        }
        if (rest == "/labels" && r.method == "POST") {
            simdjson::dom::parser parser;
            simdjson::dom::element doc;
            std::string_view name;
            if (parser.parse(r.body).get(doc) != simdjson::SUCCESS || doc["name"].get(name) != simdjson::SUCCESS)
                return message(400, "Problems parsing JSON");
            if (std::find(labels.begin(), labels.end(), name) != labels.end())
                return validation_failed("Label", "name", "already_exists", "");
            labels.emplace_back(name);
            JsonWriter w(false);
            w.begin_object().field("name", name).end_object();
            return json(201, w.take());
        }
        return message(404, "Not Found");
    }

    Reply list(const RecordedRequest& r, const std::string& scheme) {
        auto q = query_of(r.target);
        const std::string state = q.count("state") ? q["state"] : "open";
        std::vector<std::string> wanted;
        if (q.count("labels") && !q["labels"].empty()) {
            std::string_view rest = q["labels"];
            while (!rest.empty()) {
                const auto comma = std::min(rest.find(','), rest.size());
                wanted.emplace_back(rest.substr(0, comma));
                rest = comma < rest.size() ? rest.substr(comma + 1) : std::string_view{};
            }
        }
        std::vector<const FakeIssue*> matching;
        for (const auto& i : issues) {
            if (state != "all" && i.state != state) continue;
            const bool has_all = std::all_of(wanted.begin(), wanted.end(), [&](const std::string& l) {
                return std::find(i.labels.begin(), i.labels.end(), l) != i.labels.end();
            });
            if (has_all) matching.push_back(&i);
        }
        if (q["direction"] != "asc") std::reverse(matching.begin(), matching.end());  // GitHub: newest first
        const int per_page = std::clamp(q.count("per_page") ? std::atoi(q["per_page"].c_str()) : 30, 1, max_per_page);
        const int page = std::max(1, q.count("page") ? std::atoi(q["page"].c_str()) : 1);
        const std::size_t from = static_cast<std::size_t>(per_page) * static_cast<std::size_t>(page - 1);
        const std::string base = fmt::format("{}://{}{}", scheme, r.host, "/repos/" + repository);
        JsonWriter w(false);
        w.begin_array();
        for (std::size_t k = from; k < matching.size() && k < from + static_cast<std::size_t>(per_page); ++k)
            write_issue(w, *matching[k], base);
        w.end_array();
        std::vector<std::pair<std::string, std::string>> headers;
        const int pages = static_cast<int>((matching.size() + static_cast<std::size_t>(per_page) - 1) /
                                           static_cast<std::size_t>(per_page));
        if (page < pages) {
            // GitHub's next links point at /repositories/ID/issues with the query repeated.
            std::string query;
            for (const auto& [k, v] : q)
                if (k != "page") query += fmt::format("{}={}&", k, v);
            const std::string link_base = fmt::format("{}://{}/repositories/{}/issues?{}", scheme, r.host, repository_id, query);
            headers.emplace_back("Link", fmt::format("<{}page={}>; rel=\"next\", <{}page={}>; rel=\"last\"", link_base,
                                                     page + 1, link_base, pages));
        }
        return json(200, w.take(), std::move(headers));
    }

    static std::optional<Reply> too_long(std::string_view body) {
        if (characters(body) <= github_body_characters) return std::nullopt;
        return validation_failed("Issue", "body", "custom", "body is too long (maximum is 65536 characters)");
    }

    Reply create(const RecordedRequest& r, const std::string& base) {
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (parser.parse(r.body).get(doc) != simdjson::SUCCESS) return message(400, "Problems parsing JSON");
        FakeIssue issue;
        std::string_view s;
        if (doc["title"].get(s) != simdjson::SUCCESS || s.empty())
            return validation_failed("Issue", "title", "missing_field", "");
        issue.title = std::string(s);
        if (doc["body"].get(s) == simdjson::SUCCESS) issue.body = std::string(s);
        if (auto bad = too_long(issue.body)) return *bad;
        simdjson::dom::array labels_in;
        if (doc["labels"].get(labels_in) == simdjson::SUCCESS)
            for (simdjson::dom::element l : labels_in)
                if (l.get(s) == simdjson::SUCCESS && std::find(labels.begin(), labels.end(), s) != labels.end())
                    issue.labels.emplace_back(s);
        issue.number = static_cast<int>(issues.size()) + 1;
        issues.push_back(issue);
        JsonWriter w(false);
        write_issue(w, issues.back(), base);
        return json(201, w.take());
    }

    Reply update(const RecordedRequest& r, FakeIssue& issue, const std::string& base) {
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        if (parser.parse(r.body).get(doc) != simdjson::SUCCESS) return message(400, "Problems parsing JSON");
        std::string_view s;
        if (doc["body"].get(s) == simdjson::SUCCESS) {
            if (auto bad = too_long(s)) return *bad;
            issue.body = std::string(s);
        }
        if (doc["title"].get(s) == simdjson::SUCCESS) issue.title = std::string(s);
        if (doc["state"].get(s) == simdjson::SUCCESS) {
            if (s != "open" && s != "closed") return validation_failed("Issue", "state", "invalid", "");
            issue.state = std::string(s);
            // state_reason is ignored unless the state changes along with it.
            if (doc["state_reason"].get(s) == simdjson::SUCCESS) issue.state_reason = std::string(s);
        }
        JsonWriter w(false);
        write_issue(w, issue, base);
        return json(200, w.take());
    }

    Reply comment(const RecordedRequest& r, FakeIssue& issue) {
        simdjson::dom::parser parser;
        simdjson::dom::element doc;
        std::string_view s;
        if (parser.parse(r.body).get(doc) != simdjson::SUCCESS || doc["body"].get(s) != simdjson::SUCCESS)
            return validation_failed("IssueComment", "body", "missing_field", "");
        if (auto bad = too_long(s)) return *bad;
        issue.comments.emplace_back(s);
        JsonWriter w(false);
        w.begin_object().field("id", 1000 + issue.comments.size()).field("body", s).end_object();
        return json(201, w.take());
    }
};

FakeGitHubIssues::FakeGitHubIssues(FixtureServer& server, std::string host, std::string repository, std::string token)
    : state_(std::make_shared<State>()), host_(std::move(host)), repository_(std::move(repository)) {
    state_->repository = repository_;
    state_->token = std::move(token);
    server.on(host_, "*", [state = state_](const RecordedRequest& r) { return state->handle(r); });
}

int FakeGitHubIssues::add_issue(FakeIssue issue) {
    std::lock_guard lock(state_->mutex);
    issue.number = static_cast<int>(state_->issues.size()) + 1;
    state_->issues.push_back(std::move(issue));
    return state_->issues.back().number;
}

void FakeGitHubIssues::add_label(std::string name) {
    std::lock_guard lock(state_->mutex);
    state_->labels.push_back(std::move(name));
}

void FakeGitHubIssues::set_max_per_page(int n) {
    std::lock_guard lock(state_->mutex);
    state_->max_per_page = std::max(1, n);
}

void FakeGitHubIssues::answer_next(std::string method, std::string path, Reply reply) {
    std::lock_guard lock(state_->mutex);
    state_->scripted.push_back({{std::move(method), std::move(path)}, std::move(reply)});
}

std::vector<FakeIssue> FakeGitHubIssues::issues() const {
    std::lock_guard lock(state_->mutex);
    return state_->issues;
}

FakeIssue FakeGitHubIssues::issue(int number) const {
    std::lock_guard lock(state_->mutex);
    for (const auto& i : state_->issues)
        if (i.number == number) return i;
    throw std::out_of_range(fmt::format("no issue #{}", number));
}

std::vector<std::string> FakeGitHubIssues::labels() const {
    std::lock_guard lock(state_->mutex);
    return state_->labels;
}

std::vector<FakeIssue> FakeGitHubIssues::open_with_label(const std::string& label) const {
    std::vector<FakeIssue> out;
    for (auto& i : issues())
        if (!i.pull_request && i.state == "open" && std::find(i.labels.begin(), i.labels.end(), label) != i.labels.end())
            out.push_back(i);
    return out;
}

std::vector<RecordedRequest> mutations_of(const std::vector<RecordedRequest>& requests) {
    std::vector<RecordedRequest> out;
    for (const auto& r : requests)
        if (r.method != "GET" && r.method != "HEAD") out.push_back(r);
    return out;
}

}  // namespace ah::testing
