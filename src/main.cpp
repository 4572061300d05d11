// awesome-health command line: parses arguments with CLI11, runs one command, maps the
// outcome to the exit status contract (0 healthy, 1 findings, 2 usage/input, 3 network).
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands/commands.h"
#include "net/curl_handles.h"

int main(int argc, char** argv) {
    CLI::App app{"awesome-health: keeps an awesome list's links and metadata honest"};
    app.set_version_flag("--version", std::string("awesome-health ") + AH_VERSION);
    app.require_subcommand(1);
    app.failure_message(CLI::FailureMessage::help);

    ah::GlobalOptions global;
    app.add_option("--config", global.config_path,
                   "configuration file (default: ./config.toml when it exists, else built-in defaults)");
    // One value per --set: a vector option is greedy by default and would swallow the LIST
    // argument after it ("check --set k=v list.md").
    app.add_option("--set", global.overrides, "override one configuration key: KEY=VALUE (repeatable)")
        ->type_name("KEY=VALUE")
        ->allow_extra_args(false);

    ah::DumpOptions dump;
    auto* dump_cmd = app.add_subcommand("dump", "extract entries, links and offline findings (no network)");
    dump_cmd->add_option("--format", dump.format, "json or text")
        ->check(CLI::IsMember({"json", "text"}))
        ->default_val("json");
    dump_cmd->add_option("LIST", dump.list, "Markdown list (default: list.source from the configuration)");

    ah::CheckOptions check;
    auto* check_cmd = app.add_subcommand("check", "check every link and write reports/health.json");
    check_cmd->add_option("LIST", check.list, "Markdown list, path or URL (default: list.source from the configuration)");
    check_cmd->add_flag("-q,--quiet", check.quiet, "no progress output");
    check_cmd->add_flag("--sync-issue", check.sync_issue, "then open, update or close the tracking issue (see `issue`)");
    ah::DiffOptions diff;
    auto* diff_cmd = app.add_subcommand("diff", "compare two snapshots (health.json files)");
    diff_cmd->add_option("OLD", diff.old_path, "the earlier snapshot")->required();
    diff_cmd->add_option("NEW", diff.new_path, "the later snapshot")->required();
    diff_cmd->add_option("--format", diff.format, "md, json or html")->check(CLI::IsMember({"md", "json", "html"}))->default_val("md");
    diff_cmd->add_option("-o,--output", diff.output, "write to this file (atomically) instead of stdout");

    ah::RenderOptions render;
    auto* render_cmd = app.add_subcommand("render", "render a snapshot as html, md or json");
    render_cmd->add_option("SNAPSHOT", render.snapshot_path, "a health.json")->required();
    render_cmd->add_option("--format", render.format, "html, md or json")->check(CLI::IsMember({"html", "md", "json"}))->default_val("html");
    render_cmd->add_option("-o,--output", render.output, "write to this file (atomically) instead of stdout");
    ah::IssueOptions issue;
    auto* issue_cmd = app.add_subcommand("issue", "open, update or close the tracking issue from reports/diff.json");
    issue_cmd->add_flag("--dry-run", issue.dry_run, "print what would be done and the body; send no change");
    issue_cmd->add_option("--report", issue.report, "the diff.json to use (default: reports.dir/diff.json)");
    // Subcommands share --config/--set whether given before or after the command name.
    for (auto* sub : {dump_cmd, check_cmd, diff_cmd, render_cmd, issue_cmd}) {
        sub->add_option("--config", global.config_path, "configuration file");
        sub->add_option("--set", global.overrides, "override one configuration key: KEY=VALUE")
            ->type_name("KEY=VALUE")
            ->allow_extra_args(false);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return ah::exit_usage;
    }

    ah::keep_token_out_of_core_dumps();
    // libcurl's global state lives exactly as long as main(); nothing else is global.
    const ah::net::CurlGlobal curl;
    if (dump_cmd->parsed()) return ah::run_dump(global, dump);
    if (check_cmd->parsed()) return ah::run_check(global, check);
    if (diff_cmd->parsed()) return ah::run_diff(global, diff);
    if (render_cmd->parsed()) return ah::run_render(global, render);
    return ah::run_issue(global, issue);
}
