// The tracking issue (see github_issue.h). The decision is a pure function of what the search
// found and the diff (plan_issue_sync); IssueSync only talks to GitHub: one request at a time,
// mutations spaced out, rate limits waited for when short, the token kept to the API's origin.
#include "ah/github_issue.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <fmt/format.h>
#include <simdjson.h>

#include "ah/json_writer.h"
#include "ah/url.h"
#include "retry.h"
#include "text_util.h"

namespace ah {

std::string_view to_string(IssueAction action) {
    switch (action) {
        case IssueAction::none: return "none";
        case IssueAction::created: return "created";
        case IssueAction::updated: return "updated";
        case IssueAction::updated_and_commented: return "updated_and_commented";
        case IssueAction::closed: return "closed";
    }
    return "none";
}

std::string_view to_string(IssueCallKind kind) {
    switch (kind) {
        case IssueCallKind::ensure_label: return "ensure_label";
        case IssueCallKind::create_issue: return "create_issue";
        case IssueCallKind::update_issue: return "update_issue";
        case IssueCallKind::comment: return "comment";
        case IssueCallKind::close_issue: return "close_issue";
    }
    return "comment";
}

// ---------------------------------------------------------------- the decision

bool opens_issue(ChangeKind kind) {
    switch (kind) {
        case ChangeKind::newly_dead:
        case ChangeKind::still_dead:
        case ChangeKind::newly_moved:
        case ChangeKind::still_moved:
        case ChangeKind::metadata:
        case ChangeKind::still_stale: return true;
        default: return false;
    }
}

bool has_problems(const Diff& diff) {
    return std::any_of(diff.changes.begin(), diff.changes.end(), [](const Change& c) { return opens_issue(c.kind); });
}

std::string issue_title(std::string_view base, const Diff& diff) {
    std::vector<std::string> parts;
    const std::size_t dead = diff.count(ChangeKind::newly_dead) + diff.count(ChangeKind::still_dead);
    if (dead > 0) parts.push_back(fmt::format("{} dead", dead));
    if (const std::size_t n = diff.count(ChangeKind::newly_moved) + diff.count(ChangeKind::still_moved); n > 0)
        parts.push_back(fmt::format("{} moved", n));
    if (const std::size_t n = diff.count(ChangeKind::metadata) + diff.count(ChangeKind::still_stale); n > 0)
        parts.push_back(fmt::format("{} stale metadata", n));
    if (parts.empty()) return std::string(base);
    return fmt::format("{}: {}", base, fmt::join(parts, ", "));
}

namespace {

std::string date_of(const Diff& diff) {
    // Read back from diff.json by the issue command, so neutralised like any cell.
    return diff.new_generated_at.empty() ? std::string("this run") : markdown_cell(diff.new_generated_at.substr(0, 10));
}

std::string link_text(const std::string& url) {
    if (url.empty()) return "(no link)";
    std::string shown = mask_credentials(url);
    if (shown.size() > 70) shown = shown.substr(0, 67) + "...";
    return fmt::format("[{}]({})", markdown_cell(shown), markdown_url(url));
}

std::string new_item_line(const Change& c) {
    std::string line = "- ";
    line += c.entry.empty() ? std::string("(no entry)") : markdown_cell(c.entry);
    if (!c.section.empty()) line += fmt::format(" ({})", markdown_cell(c.section));
    line += ": " + link_text(c.url);
    if (!c.what.empty()) line += " — " + markdown_cell(c.what);
    if (!c.fix.empty()) line += " — suggested: " + markdown_cell(c.fix);
    line += "\n";
    return line;
}

bool is_new_item(ChangeKind kind) {
    return kind == ChangeKind::newly_dead || kind == ChangeKind::newly_moved || kind == ChangeKind::metadata;
}

std::string healthy_comment(const Diff& diff) {
    const std::size_t failing = diff.count(ChangeKind::failing);
    const std::size_t blocked = diff.count(ChangeKind::newly_blocked);
    const std::size_t recovered = diff.count(ChangeKind::recovered);
    std::string text;
    if (failing + blocked == 0) {
        text = fmt::format("All {} links healthy as of {}", diff.targets, date_of(diff));
        if (recovered > 0) text += fmt::format(" ({} recovered since the last run)", recovered);
        text += ".";
    } else {
        std::vector<std::string> notes;
        if (failing > 0) notes.push_back(fmt::format("{} failing but not yet confirmed", failing));
        if (blocked > 0) notes.push_back(fmt::format("{} refusing robots (not known dead)", blocked));
        text = fmt::format("No confirmed problems as of {}: {} links checked; {}.", date_of(diff), diff.targets,
                           fmt::join(notes, ", "));
    }
    text += "\n\nClosing this issue; awesome-health opens a new one when a problem is confirmed.";
    return text;
}

}  // namespace

std::string issue_body(const Diff& diff, std::size_t limit) {
    std::string body = diff_to_markdown(diff, limit);
    text::cut_utf8(body, limit);  // diff_to_markdown keeps the limit already; this guards the contract
    return body;
}

std::string new_items_comment(const Diff& diff, std::size_t limit) {
    static constexpr std::array kinds = {ChangeKind::newly_dead, ChangeKind::newly_moved, ChangeKind::metadata};
    std::size_t total = 0;
    for (const auto& c : diff.changes) total += is_new_item(c.kind) ? 1 : 0;
    if (total == 0) return "";
    std::string out = fmt::format("**New since the last run** ({}):\n", date_of(diff));
    constexpr std::size_t reserve = 200;  // room for the "…and N more" line
    std::size_t shown = 0;
    bool full = false;
    for (ChangeKind kind : kinds) {
        if (full || diff.count(kind) == 0) continue;
        const std::string heading = fmt::format("\n**{}** ({})\n\n", heading_of(kind), diff.count(kind));
        if (out.size() + heading.size() + reserve > limit) break;
        out += heading;
        for (const auto& c : diff.changes) {
            if (c.kind != kind) continue;
            const std::string line = new_item_line(c);
            if (out.size() + line.size() + reserve > limit) {
                full = true;
                break;
            }
            out += line;
            ++shown;
        }
    }
    if (shown < total) out += fmt::format("\n…and {} more — see the issue body and the reports.\n", total - shown);
    text::cut_utf8(out, limit);
    return out;
}

IssuePlan plan_issue_sync(const IssueSettings& settings, const Diff& diff, std::vector<TrackedIssue> open) {
    std::sort(open.begin(), open.end(), [](const TrackedIssue& a, const TrackedIssue& b) { return a.number < b.number; });
    IssuePlan plan;
    const bool problems = has_problems(diff);
    if (open.empty()) {
        if (!problems) return plan;  // nothing wrong, nothing open: nothing to do
        plan.action = IssueAction::created;
        plan.body = issue_body(diff);
        plan.calls.push_back({IssueCallKind::ensure_label, 0, "", "", "",
                              fmt::format("make sure the label \"{}\" exists", settings.label)});
        const std::string title = issue_title(settings.title, diff);
        plan.calls.push_back({IssueCallKind::create_issue, 0, title, plan.body, "",
                              fmt::format("open the tracking issue \"{}\"", title)});
        return plan;
    }

    const TrackedIssue& kept = open.front();
    plan.issue_number = kept.number;
    if (problems) {
        const std::string body = issue_body(diff);
        const std::string title = issue_title(settings.title, diff);
        if (body != kept.body || title != kept.title) {
            plan.body = body;
            plan.action = IssueAction::updated;
            plan.calls.push_back({IssueCallKind::update_issue, kept.number, title, body, "",
                                  fmt::format("update #{}: \"{}\"", kept.number, title)});
        }
        if (std::string comment = new_items_comment(diff); !comment.empty()) {
            plan.action = IssueAction::updated_and_commented;
            plan.calls.push_back({IssueCallKind::comment, kept.number, "", std::move(comment), "",
                                  fmt::format("comment on #{} with what is new", kept.number)});
        }
    } else {
        plan.action = IssueAction::closed;
        plan.calls.push_back({IssueCallKind::comment, kept.number, "", healthy_comment(diff), "",
                              fmt::format("comment on #{}: no confirmed problems", kept.number)});
        plan.calls.push_back({IssueCallKind::close_issue, kept.number, "", "", "completed",
                              fmt::format("close #{} as completed", kept.number)});
    }
    // A run that died half-way may have left more than one: keep the oldest.
    for (std::size_t i = 1; i < open.size(); ++i) {
        const int n = open[i].number;
        plan.calls.push_back({IssueCallKind::comment, n, "",
                              fmt::format("Duplicate of #{}: awesome-health keeps a single tracking issue.", kept.number),
                              "", fmt::format("comment on duplicate #{} pointing at #{}", n, kept.number)});
        plan.calls.push_back({IssueCallKind::close_issue, n, "", "", "not_planned",
                              fmt::format("close duplicate #{} as not planned", n)});
        if (plan.action == IssueAction::none) plan.action = IssueAction::updated;
    }
    return plan;
}

// ---------------------------------------------------------------- helpers for the I/O part

std::string next_link(std::string_view header) {
    // <url>; rel="next", <url>; rel="last"
    std::size_t pos = 0;
    while (pos < header.size()) {
        const std::size_t open = header.find('<', pos);
        if (open == std::string_view::npos) break;
        const std::size_t close = header.find('>', open);
        if (close == std::string_view::npos) break;
        const std::size_t end = std::min(header.find(',', close), header.size());
        const std::string_view params = header.substr(close + 1, end - close - 1);
        for (std::string_view p : text::split(params, ';')) {
            p = text::trim(p);
            if (!text::istarts_with(p, "rel=")) continue;
            std::string_view rel = text::trim(p.substr(4));
            if (rel.size() >= 2 && rel.front() == '"' && rel.back() == '"') rel = rel.substr(1, rel.size() - 2);
            for (std::string_view r : text::split(rel, ' '))
                if (r == "next") return std::string(header.substr(open + 1, close - open - 1));
        }
        pos = end + 1;
    }
    return "";
}

std::string url_origin(std::string_view url) {
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos || scheme_end == 0) return "";
    const std::string scheme = text::to_lower(url.substr(0, scheme_end));
    if (scheme != "http" && scheme != "https") return "";
    std::string_view rest = url.substr(scheme_end + 3);
    rest = rest.substr(0, std::min(rest.find_first_of("/?#"), rest.size()));
    if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
    std::string authority = text::to_lower(rest);
    if (authority.empty()) return "";
    const std::string default_port = scheme == "https" ? ":443" : ":80";
    if (authority.size() > default_port.size() &&
        authority.compare(authority.size() - default_port.size(), default_port.size(), default_port) == 0 &&
        authority.find(']') == std::string::npos)
        authority.resize(authority.size() - default_port.size());
    return scheme + "://" + authority;
}

namespace {

constexpr std::size_t list_body_cap = 32u << 20;  // 100 issues with 64 KiB bodies fit easily
constexpr std::size_t answer_body_cap = 4u << 20;
constexpr int max_redirects = 5;
constexpr int max_rate_limit_waits = 3;
// GitHub: a secondary rate limit without retry-after or x-ratelimit-* means "wait a minute".
constexpr std::chrono::seconds secondary_limit_wait{60};

std::string percent_encode(std::string_view s) {
    std::string out;
    for (unsigned char c : s) {
        if (text::is_alnum(static_cast<char>(c)) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += fmt::format("%{:02X}", c);
        }
    }
    return out;
}

bool valid_repository(std::string_view repo) {
    const std::size_t slash = repo.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == repo.size()) return false;
    if (repo.find('/', slash + 1) != std::string_view::npos) return false;
    return std::all_of(repo.begin(), repo.end(), [](char c) {
        return text::is_alnum(c) || c == '-' || c == '_' || c == '.' || c == '/';
    });
}

bool is_mutation(HttpMethod m) { return m != HttpMethod::get && m != HttpMethod::head; }

// Text from GitHub, made fit for one line of an error message.
std::string one_line(std::string_view s, std::size_t max = 300) {
    std::string out;
    for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    out = text::collapse_space(out);
    if (out.size() > max) {
        text::cut_utf8(out, max);
        out += "…";
    }
    return out;
}

// GitHub's error document: {"message": "...", "errors": [{"code": "...", "message": "..."} | "..."]}.
struct ApiMessage {
    std::string message;
    std::vector<std::string> codes;  // errors[].code
    std::string details;             // errors[] joined for people
};

ApiMessage api_message(const std::string& body) {
    ApiMessage m;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS || !doc.is_object()) {
        m.message = one_line(body, 200);
        return m;
    }
    std::string_view s;
    if (doc["message"].get(s) == simdjson::SUCCESS) m.message = one_line(s);
    simdjson::dom::array errors;
    std::vector<std::string> parts;
    if (doc["errors"].get(errors) == simdjson::SUCCESS) {
        for (simdjson::dom::element e : errors) {
            if (e.get(s) == simdjson::SUCCESS) {
                parts.push_back(one_line(s, 200));
                continue;
            }
            std::string part;
            if (e["code"].get(s) == simdjson::SUCCESS) {
                m.codes.emplace_back(s);
                part = std::string(s);
            }
            if (e["field"].get(s) == simdjson::SUCCESS) part += fmt::format(" ({})", one_line(s, 80));
            if (e["message"].get(s) == simdjson::SUCCESS) part += (part.empty() ? "" : ": ") + one_line(s, 200);
            if (!part.empty()) parts.push_back(std::move(part));
        }
    }
    m.details = fmt::format("{}", fmt::join(parts, "; "));
    return m;
}

std::string describe_message(const ApiMessage& m) {
    if (m.message.empty() && m.details.empty()) return "no message";
    if (m.details.empty()) return m.message;
    if (m.message.empty()) return m.details;
    return m.message + " — " + m.details;
}

Error make_error(ErrorKind kind, std::string message, std::string hint = "") {
    Error e;
    e.kind = kind;
    e.message = std::move(message);
    e.hint = std::move(hint);
    return e;
}

std::string json_object(std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
                        std::string_view labels_field = {}) {
    JsonWriter w(false);
    w.begin_object();
    for (const auto& [k, v] : fields) w.field(k, v);
    if (!labels_field.empty()) w.key("labels").begin_array().value(labels_field).end_array();
    w.end_object();
    return w.take();
}

// One GitHub exchange in progress: the request as first made, and what has happened to it.
struct Exchange {
    HttpMethod method = HttpMethod::get;
    std::string url;
    std::string body;
    std::string what;  // "list the open issues", for messages
    int redirects = 0;
    int waits = 0;
    std::function<void(HttpResponse)> on_answer;  // any final status; transport errors never reach it
};

class IssueSync : public std::enable_shared_from_this<IssueSync> {
public:
    IssueSync(boost::asio::io_context& io, net::HttpTransport& transport, IssueSettings settings, Diff diff,
              std::function<void(Result<IssueOutcome>)> done)
        : io_(io),
          transport_(transport),
          settings_(std::move(settings)),
          diff_(std::move(diff)),
          done_(std::move(done)),
          timer_(io) {}

    void start() {
        while (!settings_.api_url.empty() && settings_.api_url.back() == '/') settings_.api_url.pop_back();
        origin_ = url_origin(settings_.api_url);
        if (origin_.empty())
            return fail_later(make_error(ErrorKind::config,
                                         fmt::format("the GitHub API URL \"{}\" is not an http(s) URL", one_line(settings_.api_url)),
                                         "set GITHUB_API_URL or issue.api_url, e.g. https://api.github.com"));
        if (!valid_repository(settings_.repository))
            return fail_later(make_error(ErrorKind::config,
                                         fmt::format("the repository \"{}\" is not of the form owner/name",
                                                     one_line(settings_.repository)),
                                         "set GITHUB_REPOSITORY or issue.repository"));
        if (settings_.label.empty())
            return fail_later(make_error(ErrorKind::config, "the tracking issue label is empty", "set issue.label"));
        if (settings_.token.empty() && !settings_.dry_run)
            return fail_later(make_error(ErrorKind::config, "GITHUB_TOKEN is not set",
                                         "the issue command needs a token allowed to write issues "
                                         "(in a workflow: `permissions: issues: write`); --dry-run works without one"));
        repo_url_ = fmt::format("{}/repos/{}", settings_.api_url, settings_.repository);
        find_page(fmt::format("{}/issues?state=open&labels={}&per_page=100&sort=created&direction=asc", repo_url_,
                              percent_encode(settings_.label)),
                  1);
    }

private:
    // ------------------------------------------------ finding the issue

    void find_page(std::string url, int page) {
        Exchange x;
        x.url = std::move(url);
        x.what = "list the open issues";
        x.on_answer = [self = shared_from_this(), page](HttpResponse r) {
            if (r.status == 404)
                return self->fail(make_error(ErrorKind::config,
                                             fmt::format("repository {} not found or the token cannot see it",
                                                         self->settings_.repository),
                                             "check GITHUB_REPOSITORY / issue.repository and the token's access"));
            if (r.status != 200) return self->fail(self->status_error(r, "list the open issues"));
            if (r.body_truncated)
                return self->fail(make_error(ErrorKind::input, "GitHub's list of open issues was too large to read"));
            if (!self->read_issues(r.body)) return;
            const std::string next = next_link(r.header("link").value_or(""));
            if (!next.empty() && page < issue_search_max_pages) return self->find_page(next, page + 1);
            if (!next.empty())
                self->log(fmt::format("stopped reading open issues after {} pages", issue_search_max_pages));
            self->found_all();
        };
        send(std::move(x));
    }

    bool read_issues(const std::string& body) {
        simdjson::dom::parser parser;
        simdjson::dom::array items;
        if (parser.parse(body).get(items) != simdjson::SUCCESS) {
            fail(make_error(ErrorKind::input, "GitHub answered the list of open issues with something that is not a JSON array"));
            return false;
        }
        for (simdjson::dom::element item : items) {
            if (!item.is_object()) continue;
            simdjson::dom::element ignored;
            if (item["pull_request"].get(ignored) == simdjson::SUCCESS) {
                ++pull_requests_;  // the issues API lists pull requests too
                continue;
            }
            std::string_view state;
            if (item["state"].get(state) == simdjson::SUCCESS && state != "open") continue;
            bool labelled = false;
            simdjson::dom::array labels;
            if (item["labels"].get(labels) == simdjson::SUCCESS)
                for (simdjson::dom::element l : labels) {
                    std::string_view name;
                    if ((l["name"].get(name) == simdjson::SUCCESS || l.get(name) == simdjson::SUCCESS) &&
                        text::iequals(name, settings_.label))
                        labelled = true;
                }
            std::string_view issue_body_text;
            if (item["body"].get(issue_body_text) != simdjson::SUCCESS) issue_body_text = {};  // null body
            if (!labelled || issue_body_text.find(tracking_issue_marker) == std::string_view::npos) {
                ++unmarked_;  // someone else's issue with our label: never touched
                continue;
            }
            TrackedIssue t;
            std::int64_t number = 0;
            if (item["number"].get(number) != simdjson::SUCCESS || number <= 0) continue;
            t.number = static_cast<int>(number);
            t.body = std::string(issue_body_text);
            std::string_view s;
            if (item["title"].get(s) == simdjson::SUCCESS) t.title = std::string(s);
            if (item["html_url"].get(s) == simdjson::SUCCESS) t.url = std::string(s);
            found_.push_back(std::move(t));
        }
        return true;
    }

    void found_all() {
        if (found_.empty()) {
            log(fmt::format("no open tracking issue in {} (label \"{}\" and the awesome-health marker)",
                            settings_.repository, settings_.label));
        } else {
            std::vector<std::string> numbers;
            for (const auto& t : found_) numbers.push_back(fmt::format("#{}", t.number));
            log(fmt::format("found open tracking issue{} {}", found_.size() > 1 ? "s" : "", fmt::join(numbers, ", ")));
        }
        if (pull_requests_ > 0) log(fmt::format("ignored {} pull request(s) with the label", pull_requests_));
        if (unmarked_ > 0)
            log(fmt::format("left alone {} labelled issue(s) without the awesome-health marker", unmarked_));

        plan_ = plan_issue_sync(settings_, diff_, found_);
        outcome_.action = plan_.action;
        outcome_.issue_number = plan_.issue_number;
        for (const auto& t : found_)
            if (t.number == plan_.issue_number) outcome_.issue_url = t.url;
        outcome_.body = scrub(plan_.body);
        if (plan_.calls.empty())
            log(has_problems(diff_) ? fmt::format("#{} is up to date", plan_.issue_number)
                                    : std::string("no problems and no open tracking issue: nothing to do"));
        run_call(0);
    }

    // ------------------------------------------------ performing the plan

    void run_call(std::size_t i) {
        if (i == plan_.calls.size()) return succeed();
        const IssueCall& call = plan_.calls[i];
        auto next = [self = shared_from_this(), i] { self->run_call(i + 1); };
        if (call.kind == IssueCallKind::ensure_label) return ensure_label(std::move(next));
        if (settings_.dry_run) {
            log("would " + call.why);
            return next();
        }
        if (call.body.size() > github_body_limit)  // unreachable by construction; never send one
            return fail(make_error(ErrorKind::internal,
                                   fmt::format("refusing to send a body of {} bytes (GitHub's limit is {})",
                                               call.body.size(), github_body_limit)));
        Exchange x;
        x.what = call.why;
        switch (call.kind) {
            case IssueCallKind::create_issue:
                x.method = HttpMethod::post;
                x.url = repo_url_ + "/issues";
                x.body = json_object({{"title", scrub(call.title)}, {"body", scrub(call.body)}}, settings_.label);
                break;
            case IssueCallKind::update_issue:
                x.method = HttpMethod::patch;
                x.url = fmt::format("{}/issues/{}", repo_url_, call.issue_number);
                x.body = json_object({{"title", scrub(call.title)}, {"body", scrub(call.body)}});
                break;
            case IssueCallKind::comment:
                x.method = HttpMethod::post;
                x.url = fmt::format("{}/issues/{}/comments", repo_url_, call.issue_number);
                x.body = json_object({{"body", scrub(call.body)}});
                break;
            case IssueCallKind::close_issue:
                x.method = HttpMethod::patch;
                x.url = fmt::format("{}/issues/{}", repo_url_, call.issue_number);
                x.body = json_object({{"state", "closed"}, {"state_reason", call.state_reason}});
                break;
            case IssueCallKind::ensure_label: break;
        }
        const IssueCallKind kind = call.kind;
        x.on_answer = [self = shared_from_this(), i, kind, next](HttpResponse r) {
            const IssueCall& c = self->plan_.calls[i];
            if (r.status < 200 || r.status > 299) return self->fail(self->status_error(r, c.why));
            if (kind == IssueCallKind::create_issue) {
                simdjson::dom::parser parser;
                simdjson::dom::element doc;
                std::int64_t number = 0;
                if (parser.parse(r.body).get(doc) != simdjson::SUCCESS || doc["number"].get(number) != simdjson::SUCCESS)
                    return self->fail(make_error(ErrorKind::input,
                                                 "GitHub created the issue but its answer has no issue number"));
                self->outcome_.issue_number = static_cast<int>(number);
                std::string_view url;
                if (doc["html_url"].get(url) == simdjson::SUCCESS) self->outcome_.issue_url = std::string(url);
                self->log(fmt::format("opened #{} \"{}\"", number, one_line(c.title)));
            } else {
                self->log("done: " + c.why);
            }
            next();
        };
        send(std::move(x));
    }

    // GET the label; create it when missing. Issues created with an unknown label lose it
    // (or fail) for tokens without push access, so the label comes first.
    void ensure_label(std::function<void()> next) {
        Exchange x;
        x.url = fmt::format("{}/labels/{}", repo_url_, percent_encode(settings_.label));
        x.what = "look up the label";
        x.on_answer = [self = shared_from_this(), next](HttpResponse r) {
            if (r.status == 200) return next();
            if (r.status != 404) return self->fail(self->status_error(r, "look up the label"));
            if (self->settings_.dry_run) {
                self->log(fmt::format("would create the label \"{}\"", self->settings_.label));
                return next();
            }
            Exchange create;
            create.method = HttpMethod::post;
            create.url = self->repo_url_ + "/labels";
            create.what = "create the label";
            create.body = json_object({{"name", self->settings_.label},
                                       {"color", "d93f0b"},
                                       {"description", "Link health tracking issue (awesome-health)"}});
            create.on_answer = [self, next](HttpResponse answer) {
                if (answer.status == 201) {
                    self->log(fmt::format("created the label \"{}\"", self->settings_.label));
                    return next();
                }
                if (answer.status == 422) {
                    const ApiMessage m = api_message(answer.body);
                    if (std::find(m.codes.begin(), m.codes.end(), "already_exists") != m.codes.end()) return next();
                }
                self->fail(self->status_error(answer, "create the label"));
            };
            self->send(std::move(create));
        };
        send(std::move(x));
    }

    // ------------------------------------------------ one exchange with GitHub

    void send(Exchange x) {
        // The token only ever goes to the configured API origin: pagination links and
        // redirects elsewhere are refused before anything is sent.
        const std::string origin = url_origin(x.url);
        if (origin != origin_)
            return fail(make_error(ErrorKind::input,
                                   fmt::format("GitHub pointed the request to {} at another host ({}); not sending the token there",
                                               x.what, origin.empty() ? std::string("an unusable URL") : origin),
                                   fmt::format("only {} is trusted with the token", origin_)));
        if (!is_mutation(x.method)) return launch(std::move(x));
        // Mutations one at a time, at least mutation_spacing after the previous one finished.
        const auto at = last_mutation_ ? *last_mutation_ + settings_.mutation_spacing : Clock::now();
        if (at <= Clock::now()) return launch(std::move(x));
        timer_.expires_at(at);
        timer_.async_wait([self = shared_from_this(), x = std::move(x)](const boost::system::error_code& ec) mutable {
            if (ec) return self->fail(make_error(ErrorKind::internal, "the wait between GitHub requests was cancelled"));
            self->launch(std::move(x));
        });
    }

    void launch(Exchange x) {
        HttpRequest request;
        request.method = x.method;
        request.url = x.url;
        request.body = x.body;
        request.timeout = settings_.request_timeout;
        request.body_cap = x.method == HttpMethod::get ? list_body_cap : answer_body_cap;
        request.headers = {{"Accept", "application/vnd.github+json"}, {"X-GitHub-Api-Version", "2022-11-28"}};
        if (!settings_.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + settings_.token);
        if (!x.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
        const bool mutation = is_mutation(x.method);
        transport_.start(std::move(request), [self = shared_from_this(), x = std::move(x), mutation](HttpResponse r) mutable {
            if (mutation) self->last_mutation_ = Clock::now();
            self->answered(std::move(x), std::move(r));
        });
    }

    void answered(Exchange x, HttpResponse r) {
        if (r.error != TransportError::none)
            return fail(make_error(ErrorKind::network,
                                   fmt::format("could not reach the GitHub API to {}: {}", x.what, to_string(r.error)),
                                   one_line(r.error_message)));
        if (r.status == 301 || r.status == 302 || r.status == 307 || r.status == 308) {
            // GitHub answers API requests for a renamed or transferred repository with a
            // redirect; the request is repeated as is, on the same origin only.
            const std::string location = r.redirect_url.empty() ? r.header("location").value_or("") : r.redirect_url;
            if (location.empty() || ++x.redirects > max_redirects)
                return fail(make_error(ErrorKind::input,
                                       fmt::format("GitHub redirected the request to {} {}", x.what,
                                                   location.empty() ? "without a Location" : "too many times")));
            x.url = location.front() == '/' ? origin_ + location : location;
            log(fmt::format("GitHub redirected the request to {} (HTTP {})", x.what, r.status));
            return send(std::move(x));
        }
        if ((r.status == 403 || r.status == 429) && x.waits < max_rate_limit_waits) {
            if (const auto wait = rate_limit_wait(r)) {
                if (*wait > settings_.max_wait)
                    return fail(make_error(ErrorKind::network,
                                           fmt::format("GitHub's rate limit asks to wait {} s before trying to {}, longer than "
                                                       "the {} s we wait",
                                                       wait->count(), x.what, settings_.max_wait.count()),
                                           "run again later"));
                ++x.waits;
                log(fmt::format("rate limited: waiting {} s before trying to {}", wait->count(), x.what));
                timer_.expires_after(*wait);
                timer_.async_wait([self = shared_from_this(), x = std::move(x)](const boost::system::error_code& ec) mutable {
                    if (ec) return self->fail(make_error(ErrorKind::internal, "the rate-limit wait was cancelled"));
                    self->send(std::move(x));
                });
                return;
            }
        }
        x.on_answer(std::move(r));
    }

    // How long a 403/429 asks us to wait, or nullopt when it is not a rate limit.
    static std::optional<std::chrono::seconds> rate_limit_wait(const HttpResponse& r) {
        const auto now = std::chrono::system_clock::now();
        if (const auto retry_after = r.header("retry-after"))
            if (const auto wait = parse_retry_after(*retry_after, now)) return wait;
        if (r.header("x-ratelimit-remaining").value_or("") == "0") {
            const std::string reset(text::trim(r.header("x-ratelimit-reset").value_or("")));
            if (!reset.empty() && std::all_of(reset.begin(), reset.end(), text::is_digit) && reset.size() < 15) {
                const auto when = std::chrono::system_clock::time_point(std::chrono::seconds(std::stoll(reset)));
                const auto left = std::chrono::ceil<std::chrono::seconds>(when - now);
                return std::max(left, std::chrono::seconds(0)) + std::chrono::seconds(1);
            }
            return secondary_limit_wait;
        }
        if (text::icontains(api_message(r.body).message, "rate limit")) return secondary_limit_wait;
        return std::nullopt;
    }

    Error status_error(const HttpResponse& r, const std::string& what) const {
        const ApiMessage m = api_message(r.body);
        switch (r.status) {
            case 401:
                return make_error(ErrorKind::config, "the token was rejected (401)",
                                  "GITHUB_TOKEN is missing, expired or revoked");
            case 403:
                return make_error(ErrorKind::config,
                                  fmt::format("GitHub refused to {} (403: {}): the workflow needs `permissions: issues: "
                                              "write`",
                                              what, describe_message(m)),
                                  "give the job `permissions: issues: write`, or use a token with Issues read and "
                                  "write access to the repository");
            case 404:
                return make_error(ErrorKind::config,
                                  fmt::format("GitHub answered 404 when trying to {} in {}: {}", what, settings_.repository,
                                              describe_message(m)),
                                  "the issue or repository may be gone, or the token cannot see it");
            case 410:
                return make_error(ErrorKind::config,
                                  fmt::format("issues are disabled in {} (410)", settings_.repository),
                                  "enable Issues in the repository settings");
            case 422:
                return make_error(ErrorKind::input, fmt::format("GitHub rejected the request to {} (422): {}", what, describe_message(m)));
            default:
                return make_error(ErrorKind::input,
                                  fmt::format("GitHub answered HTTP {} when trying to {}: {}", r.status, what, describe_message(m)));
        }
    }

    // ------------------------------------------------ outcome

    std::string scrub(std::string text) const {
        // Belt and braces: the token is never put into text, but nothing we print or post may carry it.
        if (settings_.token.size() < 4) return text;
        for (std::size_t at = text.find(settings_.token); at != std::string::npos; at = text.find(settings_.token, at))
            text.replace(at, settings_.token.size(), "[token]");
        return text;
    }

    void log(std::string line) { outcome_.log.push_back(scrub(std::move(line))); }

    void fail_later(Error e) {
        boost::asio::post(io_, [self = shared_from_this(), e = std::move(e)]() mutable { self->fail(std::move(e)); });
    }

    void fail(Error e) {
        if (finished_) return;
        finished_ = true;
        e.message = scrub(std::move(e.message));
        e.hint = scrub(std::move(e.hint));
        auto done = std::move(done_);
        done(Result<IssueOutcome>(std::move(e)));
    }

    void succeed() {
        if (finished_) return;
        finished_ = true;
        if (settings_.dry_run) log("dry run: no change was made");
        auto done = std::move(done_);
        done(Result<IssueOutcome>(std::move(outcome_)));
    }

    using Clock = std::chrono::steady_clock;

    boost::asio::io_context& io_;
    net::HttpTransport& transport_;
    IssueSettings settings_;
    Diff diff_;
    std::function<void(Result<IssueOutcome>)> done_;
    boost::asio::steady_timer timer_;
    std::string origin_;
    std::string repo_url_;
    std::vector<TrackedIssue> found_;
    int pull_requests_ = 0;
    int unmarked_ = 0;
    IssuePlan plan_;
    IssueOutcome outcome_;
    std::optional<Clock::time_point> last_mutation_;
    bool finished_ = false;
};

}  // namespace

void sync_tracking_issue(boost::asio::io_context& io, net::HttpTransport& transport, const IssueSettings& settings,
                         const Diff& diff, std::function<void(Result<IssueOutcome>)> done) {
    std::make_shared<IssueSync>(io, transport, settings, diff, std::move(done))->start();
}

}  // namespace ah
