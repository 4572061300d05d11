// The HTML report in a real browser: Debian's Chromium, headless, on the file:// URL.
// Hidden [browser] tests: ctest runs them through run_browser_tests.sh, which reports them
// skipped when Chromium is not installed. Each Chromium run gets a fresh profile and is
// killed, with its whole process group, after 60 s.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <regex>
#include <unistd.h>

#include "ah/render_html.h"
#include "support/html_report_fixture.h"
#include "support/run_process.h"

using namespace ah;
using ah::testing::ProcessResult;
using ah::testing::TempDir;

namespace {

std::string chromium_path() {
    const char* env = std::getenv("AH_CHROMIUM");
    return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

// The page, written once per test case into its own directory.
struct RenderedReport {
    TempDir dir;
    std::string path;
    std::size_t entries = 0;
    RenderedReport() {
        const auto f = ah::testing::html_report_fixture();
        path = dir.write("reports/index.html", render_html(f.snapshot, f.diff));
        entries = f.snapshot.entries.size();
    }
    std::string url(const std::string& suffix = "") const { return "file://" + path + suffix; }
};

ProcessResult run_chromium(const std::vector<std::string>& extra) {
    const std::string chromium = chromium_path();
    INFO("chromium: " << chromium);
    REQUIRE(::access(chromium.c_str(), X_OK) == 0);
    TempDir profile;  // fresh: no state leaks between runs
    // GNU timeout puts chromium in its own process group and kills the whole group, so no
    // renderer or zygote outlives a hung browser.
    std::vector<std::string> argv = {"/usr/bin/timeout", "-k", "5", "60", chromium,
                                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                                     "--user-data-dir=" + profile.path(), "--enable-logging=stderr", "--v=0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    ah::testing::ProcessOptions options;
    options.timeout = std::chrono::seconds(90);  // a backstop behind timeout(1)
    ProcessResult r = ah::testing::run_process(argv, options);
    INFO("stderr: " << r.err.substr(r.err.size() > 4000 ? r.err.size() - 4000 : 0));
    REQUIRE_FALSE(r.timed_out);
    REQUIRE(r.exit_code == 0);
    return r;
}

// The DOM after the page's script ran (virtual time lets it finish before the dump).
ProcessResult dump_dom(const std::string& url) {
    return run_chromium({"--virtual-time-budget=5000", "--dump-dom", url});
}

// Console output from the page: the report logs nothing, so any message is a problem
// (an exception, a CSP violation, a blocked request).
std::vector<std::string> console_lines(const std::string& err) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < err.size()) {
        std::size_t end = err.find('\n', start);
        if (end == std::string::npos) end = err.size();
        const std::string line = err.substr(start, end - start);
        if (line.find(":CONSOLE") != std::string::npos || line.find("Uncaught") != std::string::npos ||
            line.find("Content Security Policy") != std::string::npos)
            lines.push_back(line);
        start = end + 1;
    }
    return lines;
}

struct Rows {
    std::size_t total = 0, hidden = 0;
};

Rows entry_rows(const std::string& dom) {
    const std::size_t table = dom.find("<table id=\"entries\">");
    REQUIRE(table != std::string::npos);
    const std::size_t body = dom.find("<tbody>", table);
    const std::string rows = dom.substr(body, dom.find("</tbody>", body) - body);
    static const std::regex row_tag("<tr[^>]*>");
    Rows r;
    for (auto it = std::sregex_iterator(rows.begin(), rows.end(), row_tag); it != std::sregex_iterator(); ++it) {
        ++r.total;
        if (it->str().find(" hidden") != std::string::npos) ++r.hidden;
    }
    return r;
}

// The abbreviations of the visible rows, top to bottom.
std::vector<std::string> visible_abbreviations(const std::string& dom) {
    const std::size_t table = dom.find("<table id=\"entries\">");
    REQUIRE(table != std::string::npos);
    const std::size_t body = dom.find("<tbody>", table);
    const std::string rows = dom.substr(body, dom.find("</tbody>", body) - body);
    std::vector<std::string> out;
    for (std::size_t at = rows.find("<tr"); at != std::string::npos; at = rows.find("<tr", at + 1)) {
        const std::size_t tag_end = rows.find('>', at);
        if (rows.substr(at, tag_end - at).find(" hidden") != std::string::npos) continue;
        std::size_t cell = at;
        for (int i = 0; i < 3; ++i) cell = rows.find("<td", cell + 1);
        const std::size_t start = rows.find('>', cell) + 1;
        out.push_back(rows.substr(start, rows.find("</td>", start) - start));
    }
    return out;
}

void check_filtered(const RenderedReport& report, const std::string& suffix, std::size_t expected) {
    INFO("address suffix " << suffix);
    const ProcessResult r = dump_dom(report.url(suffix));
    CHECK(console_lines(r.err).empty());
    CHECK(r.out.find("data-js-ok=\"1\"") != std::string::npos);
    CHECK(r.out.find("data-js-error=\"") == std::string::npos);
    CHECK(r.out.find("data-shown=\"" + std::to_string(expected) + "\"") != std::string::npos);
    CHECK(r.out.find("showing " + std::to_string(expected) + " of " + std::to_string(report.entries)) !=
          std::string::npos);
    const Rows rows = entry_rows(r.out);
    CHECK(rows.total == report.entries);
    CHECK(rows.total - rows.hidden == expected);
}

}  // namespace

TEST_CASE("browser: the report's script runs cleanly", "[.][browser][html]") {
    const RenderedReport report;
    const ProcessResult r = dump_dom(report.url());
    const auto console = console_lines(r.err);
    for (const auto& line : console) UNSCOPED_INFO(line);
    CHECK(console.empty());
    CHECK(r.out.find("<body data-shown=\"6\" data-js-ok=\"1\">") != std::string::npos);
    CHECK(r.out.find("data-js-error=\"") == std::string::npos);
    CHECK(r.out.find("showing 6 of 6") != std::string::npos);
    CHECK(r.out.find("<div id=\"controls\">") != std::string::npos);  // the filter box is shown
    CHECK(r.out.find("<th class=\"num\" data-type=\"num\" data-key=\"line\"><button type=\"button\">Line</button>"
                     "</th>") != std::string::npos);  // headers became sort buttons
    CHECK(entry_rows(r.out).hidden == 0);
}

TEST_CASE("browser: the filter narrows the rows", "[.][browser][html]") {
    const RenderedReport report;
    check_filtered(report, "#filter=satmae", 1);                  // an abbreviation, any case
    check_filtered(report, "#filter=Vision-Language%20Models", 3);  // a section, URL-encoded
    check_filtered(report, "#filter=%C3%BCn%C3%AFcode", 1);       // non-ASCII title text
    check_filtered(report, "?q=dead", 2);                         // badge text: SatMAE code, GeoChat paper
    check_filtered(report, "#filter=no-such-entry", 0);
}

TEST_CASE("browser: the headers sort the rows", "[.][browser][html]") {
    const RenderedReport report;
    using List = std::vector<std::string>;
    {
        const ProcessResult r = dump_dom(report.url("#sort=stars-desc"));  // numerically; blanks last
        CHECK(console_lines(r.err).empty());
        CHECK(visible_abbreviations(r.out) == List{"GeoChat", "RSPrompter", "SatMAE", "Scale-MAE", "Prithvi", "-"});
        CHECK(r.out.find("data-key=\"stars\" aria-sort=\"descending\"") != std::string::npos);
    }
    {
        const ProcessResult r = dump_dom(report.url("#sort=stars"));
        CHECK(visible_abbreviations(r.out) == List{"RSPrompter", "GeoChat", "SatMAE", "Scale-MAE", "Prithvi", "-"});
    }
    {
        const ProcessResult r = dump_dom(report.url("#filter=foundation&sort=title-desc"));  // both at once
        CHECK(visible_abbreviations(r.out) == List{"Scale-MAE", "SatMAE", "RSPrompter", "Prithvi"});
        CHECK(r.out.find("showing 4 of 6") != std::string::npos);
    }
}

TEST_CASE("browser: screenshot of the report", "[.][browser][html]") {
    const RenderedReport report;
    const std::string png = std::string(AH_BUILD_DIR) + "/report.png";
    std::filesystem::remove(png);
    run_chromium({"--window-size=1280,2000", "--hide-scrollbars", "--virtual-time-budget=5000", "--screenshot=" + png,
                  report.url()});
    REQUIRE(std::filesystem::exists(png));
    CHECK(std::filesystem::file_size(png) > 10000);
    CHECK(ah::testing::read_file(png).substr(0, 8) == "\x89PNG\r\n\x1a\n");
    std::printf("screenshot: %s\n", png.c_str());
}

TEST_CASE("browser: the checks notice a broken page", "[.][browser][html]") {
    const auto f = ah::testing::html_report_fixture();
    const std::string html = render_html(f.snapshot, f.diff);
    TempDir dir;

    SECTION("a script error is reported on <body>") {
        std::string broken = html;
        broken.replace(broken.find("<table id=\"entries\">"), 20, "<table id=\"renamed\">");
        const ProcessResult r = dump_dom("file://" + dir.write("broken.html", broken));
        CHECK(r.out.find("data-js-error=\"") != std::string::npos);
        CHECK(r.out.find("data-js-ok=\"1\"") == std::string::npos);
    }
    SECTION("a script that is not the page's own is refused by the CSP") {
        std::string tampered = html;
        tampered.replace(tampered.find("<script>"), 8, "<script>/* injected */");
        const ProcessResult r = dump_dom("file://" + dir.write("tampered.html", tampered));
        CHECK(r.out.find("data-js-ok=\"1\"") == std::string::npos);
        CHECK_FALSE(console_lines(r.err).empty());
    }
}
