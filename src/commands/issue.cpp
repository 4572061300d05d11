// `awesome-health issue`: keeps one GitHub tracking issue true from reports/diff.md's source,
// reports/diff.json. Settings come from the environment (GITHUB_TOKEN, GITHUB_REPOSITORY,
// GITHUB_API_URL) and [issue] in the configuration; the token is never printed.
#include <boost/asio/io_context.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "ah/diff_reader.h"
#include "ah/github_issue.h"
#include "commands/commands.h"
#include "engine_config.h"
#include "net/http_engine.h"

namespace ah {

namespace {

std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

}  // namespace

Result<IssueSettings> issue_settings_from(const Config& config, bool dry_run) {
    IssueSettings s;
    s.api_url = !config.issue.api_url.empty() ? config.issue.api_url
                : !env("GITHUB_API_URL").empty() ? env("GITHUB_API_URL")
                                                 : std::string(default_issue_api_url);
    s.repository = !config.issue.repository.empty() ? config.issue.repository : env("GITHUB_REPOSITORY");
    s.token = env("GITHUB_TOKEN");
    s.label = config.issue.label;
    s.title = config.issue.title;
    s.dry_run = dry_run;
    if (s.repository.empty())
        return Error{ErrorKind::usage, "no repository for the tracking issue", {},
                     "set GITHUB_REPOSITORY=owner/name (GitHub Actions sets it) or issue.repository in the configuration"};
    if (s.token.empty() && !dry_run)
        return Error{ErrorKind::usage, "GITHUB_TOKEN is not set", {},
                     "the workflow passes it as env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }} with permissions: issues: write"};
    return s;
}

int run_issue(const GlobalOptions& global, const IssueOptions& options) {
    auto config = load_effective_config(global);
    if (!config) {
        print_error(config.error());
        return exit_usage;
    }
    const std::string diff_path =
        options.report.empty() ? config->resolve_path(config->reports.dir) + "/diff.json" : options.report;
    auto settings = issue_settings_from(*config, options.dry_run);
    if (!settings) {
        print_error(settings.error());
        return exit_usage;
    }
    std::ifstream in(diff_path, std::ios::binary);
    if (!in) {
        print_error(Error{ErrorKind::input, "no such file", {diff_path, 0, 0}, "run `awesome-health check` first"});
        return exit_usage;
    }
    const std::string json((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto diff = diff_from_json(json, diff_path);
    if (!diff) {
        print_error(diff.error());
        return exit_usage;
    }
    boost::asio::io_context io;
    net::HttpEngine engine(io, engine_options_from(*config));
    std::optional<Result<IssueOutcome>> result;
    sync_tracking_issue(io, engine, *settings, *diff, [&](Result<IssueOutcome> r) { result = std::move(r); });
    io.run();
    if (!result) {
        print_error(Error{ErrorKind::internal, "the issue sync did not finish", {}, ""});
        return exit_usage;
    }
    if (!*result) {
        print_error(result->error());
        return result->error().kind == ErrorKind::network ? exit_network : exit_usage;
    }
    const IssueOutcome& outcome = result->value();
    for (const auto& line : outcome.log) std::printf("%s\n", line.c_str());
    if (options.dry_run && !outcome.body.empty()) std::printf("\n--- body ---\n%s\n", outcome.body.c_str());
    if (outcome.issue_number != 0)
        std::printf("tracking issue: #%d %s (%s)\n", outcome.issue_number, outcome.issue_url.c_str(),
                    std::string(to_string(outcome.action)).c_str());
    return exit_healthy;
}

}  // namespace ah
