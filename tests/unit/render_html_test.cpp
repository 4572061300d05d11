// The HTML report: golden file, escaping of untrusted text, self-containment, and the
// static (no-JavaScript) table of every entry.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "ah/render_html.h"
#include "support/html_report_fixture.h"
#include "support/run_process.h"
#include "text_util.h"

using namespace ah;

namespace {

struct Tag {
    std::string name;                                 // lower-cased; "/name" for end tags
    std::vector<std::pair<std::string, std::string>>  // attribute names lower-cased, values as written
        attributes;
};

// Every tag of the page, as a browser would see it. Script and style contents are skipped
// (they are raw text); anything else starting with '<' is markup, which is the point: the
// renderer escapes every '<' that comes from data, so a tag here is a tag it wrote.
std::vector<Tag> tags_of(const std::string& html) {
    static const std::regex attribute(R"re(([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?)re");
    std::vector<Tag> tags;
    std::size_t at = 0;
    while ((at = html.find('<', at)) != std::string::npos) {
        if (html.compare(at, 4, "<!--") == 0 || html.compare(at, 2, "<!") == 0) {
            at = html.find('>', at);
            continue;
        }
        const std::size_t end = html.find('>', at);
        REQUIRE(end != std::string::npos);
        std::string inside = html.substr(at + 1, end - at - 1);
        Tag tag;
        std::size_t name_end = 0;
        while (name_end < inside.size() && !text::is_space(inside[name_end]) && inside[name_end] != '>') ++name_end;
        tag.name = text::to_lower(inside.substr(0, name_end));
        if (!tag.name.empty() && tag.name.back() == '/') tag.name.pop_back();
        const std::string rest = inside.substr(name_end);
        for (auto it = std::sregex_iterator(rest.begin(), rest.end(), attribute); it != std::sregex_iterator(); ++it) {
            const auto& m = *it;
            tag.attributes.emplace_back(text::to_lower(m[1].str()), m[2].matched ? m[2].str() : m[3].matched ? m[3].str() : m[4].str());
        }
        tags.push_back(tag);
        at = end + 1;
        if (tag.name == "script" || tag.name == "style") {
            at = html.find("</" + tag.name, at);
            REQUIRE(at != std::string::npos);
        }
    }
    return tags;
}

std::string unescape_attribute(std::string s) {
    for (const auto& [entity, c] : std::map<std::string, std::string>{
             {"&quot;", "\""}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&amp;", "&"}}) {
        for (std::size_t at = 0; (at = s.find(entity, at)) != std::string::npos; at += c.size()) s.replace(at, entity.size(), c);
    }
    return s;
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    const std::string lower = text::to_lower(haystack);
    for (std::size_t at = 0; (at = lower.find(needle, at)) != std::string::npos; ++at) ++n;
    return n;
}

std::string entries_table(const std::string& html) {
    const std::size_t start = html.find("<table id=\"entries\">");
    REQUIRE(start != std::string::npos);
    return html.substr(start, html.find("</table>", start) - start);
}

void check_golden(const std::string& name, const std::string& actual) {
    const std::string path = std::string(AH_FIXTURES_DIR) + "/golden/" + name;
    if (const char* update = std::getenv("AH_UPDATE_GOLDEN"); update != nullptr && *update == '1') {
        std::ofstream(path, std::ios::binary) << actual;
    }
    const std::string expected = ah::testing::read_file(path);
    INFO("golden file " << path << " (regenerate with AH_UPDATE_GOLDEN=1)");
    CHECK(actual == expected);
}

// A report whose every string is hostile.
ah::testing::HtmlReportFixture hostile_fixture() {
    auto f = ah::testing::html_report_fixture();
    Snapshot& s = f.snapshot;
    s.list_source = "javascript:alert('source')";
    s.tool = "</script><script>alert('tool')</script>";
    s.entries[0].title = "</script><script>alert(1)</script>";
    s.entries[0].abbreviation = "\"'><img src=x onerror=alert(2)>";
    s.entries[0].section = "<b onmouseover=alert(3)>bold</b>";
    s.entries[0].venue = "CVPR\" onclick=\"alert(4)";
    const std::vector<std::string> evil_urls = {
        "javascript:alert(1)",
        "JaVaScRiPt:alert(5)",
        " javascript:alert(6)",
        "java\tscript:alert(7)",
        "data:text/html,<script>alert(8)</script>",
        "vbscript:msgbox(9)",
        "https://x.example.org/\"onmouseover=\"alert(10)",
        "https://x.example.org/'><script>alert(11)</script>",
        "//evil.example.org/protocol-relative",
    };
    for (std::size_t i = 0; i < evil_urls.size(); ++i) {
        TargetRecord t;
        t.url = evil_urls[i];
        t.result.verdict = Verdict::dead;
        t.result.error = "<script>alert('server says')</script>";
        t.confirmed = true;
        t.occurrences.push_back(Occurrence{12, 1, i % 2 ? "code" : "paper", "x", "y"});
        s.targets.push_back(t);
        s.entries[0].urls.push_back(t.url);
        s.findings.push_back({"stale_venue", "warning", "<img src=x onerror=alert('finding')>", 12, t.url, "</td>",
                              "evidence javascript:alert(12) and <script>"});
    }
    s.targets[1].repo->last_commit_at = "<i onclick=alert(13)>";
    s.runs.back().at = "<svg onload=alert(14)>";
    s.hosts[0].host = "<marquee>";
    Change c;
    c.kind = ChangeKind::newly_dead;
    c.url = "javascript:alert(15)";
    c.entry = "</script>";
    c.section = "'\"";
    c.what = "<iframe src=javascript:alert(16)>";
    c.since = "<x>";
    c.fix = "use javascript:alert(17) or https://ok.example.org/\"><script>alert(18)</script>";
    f.diff.changes.push_back(c);
    f.diff.list_source = s.list_source;
    return f;
}

}  // namespace

TEST_CASE("html: escaping helpers", "[html]") {
    CHECK(html_escape("a & b < c > d \" e ' f") == "a &amp; b &lt; c &gt; d &quot; e &#39; f");
    CHECK(html_escape("</script>") == "&lt;/script&gt;");
    CHECK(html_escape(std::string("nul\0bell\x07", 9)) == "nul bell ");
    CHECK(html_escape("ünïcode — kept") == "ünïcode — kept");

    CHECK(is_linkable_url("https://example.org/"));
    CHECK(is_linkable_url("HTTP://EXAMPLE.ORG/x"));
    CHECK_FALSE(is_linkable_url("javascript:alert(1)"));
    CHECK_FALSE(is_linkable_url("JavaScript:alert(1)"));
    CHECK_FALSE(is_linkable_url(" https://example.org/"));
    CHECK_FALSE(is_linkable_url("https://example.org/a b"));
    CHECK_FALSE(is_linkable_url("https:///path-only"));
    CHECK_FALSE(is_linkable_url("https://"));
    CHECK_FALSE(is_linkable_url("//example.org/"));
    CHECK_FALSE(is_linkable_url("data:text/html,x"));
    CHECK_FALSE(is_linkable_url("mailto:a@example.org"));
    CHECK_FALSE(is_linkable_url("https://example.org/\nx"));
}

TEST_CASE("html: golden file index.html", "[html][golden]") {
    const auto f = ah::testing::html_report_fixture();
    const std::string html = render_html(f.snapshot, f.diff);
    check_golden("index.html", html);
    CHECK(render_html(f.snapshot, f.diff) == html);  // deterministic
}

TEST_CASE("html: the page is self-contained", "[html]") {
    const auto f = ah::testing::html_report_fixture();
    const std::string html = render_html(f.snapshot, f.diff);

    // The only URLs the page points at are the list's own links and what the run found
    // for them (new locations, archived copies), plus in-page anchors.
    std::set<std::string> allowed{f.snapshot.list_source};
    for (const auto& t : f.snapshot.targets) {
        allowed.insert(t.url);
        allowed.insert(t.result.final_url);
        allowed.insert(t.archive_url);
        if (t.repo) allowed.insert(t.repo->url);
    }
    for (const auto& fi : f.snapshot.findings) allowed.insert(fi.url);
    allowed.insert("https://arxiv.org/abs/2207.08051");  // cited in the stale-venue evidence
    for (const auto& c : f.diff.changes) allowed.insert(c.url);
    std::size_t links = 0;
    for (const Tag& tag : tags_of(html)) {
        for (const auto& [name, value] : tag.attributes) {
            if (name == "href" || name == "src" || name == "action" || name == "srcset" || name == "poster" ||
                name == "data" || name == "xlink:href") {
                INFO("<" << tag.name << " " << name << "=\"" << value << "\">");
                CHECK(allowed.count(unescape_attribute(value)) == 1);
                ++links;
            }
        }
        CHECK(tag.name != "link");
        CHECK(tag.name != "img");
        CHECK(tag.name != "iframe");
        CHECK(tag.name != "object");
        CHECK(tag.name != "embed");
        CHECK(tag.name != "base");
    }
    CHECK(links > 10);
    CHECK(count_of(html, "<script") == 1);
    CHECK(count_of(html, "<script src") == 0);
    CHECK(count_of(html, "<link") == 0);
    CHECK(count_of(html, "@import") == 0);
    CHECK(count_of(html, "url(") == 0);
    CHECK(count_of(html, "@font-face") == 0);
    CHECK(count_of(html, "xmlns") == 0);  // inline SVG in HTML needs no namespace URL
    // The Content-Security-Policy forbids everything but the page's own script and style.
    CHECK(html.find("default-src 'none'; script-src 'sha256-") != std::string::npos);
}

TEST_CASE("html: without JavaScript the table has every entry", "[html]") {
    const auto f = ah::testing::html_report_fixture();
    const std::string table = entries_table(render_html(f.snapshot, f.diff));
    const std::size_t body = table.find("<tbody>");
    REQUIRE(body != std::string::npos);
    CHECK(count_of(table.substr(body), "<tr>") == f.snapshot.entries.size());
    for (const auto& e : f.snapshot.entries) {
        INFO(e.title);
        CHECK(table.find("<td>" + html_escape(e.title) + "</td>") != std::string::npos);
    }
    // Badges carry their verdict as text (not colour alone) and link to the URL.
    CHECK(table.find("<a href=\"https://github.com/sustainlab-group/SatMAE\" rel=\"noopener noreferrer nofollow\" "
                     "class=\"badge v-dead\"") != std::string::npos);
    CHECK(table.find("\u2717 dead</a>") != std::string::npos);
    CHECK(table.find("\u2717 dead?</a>") != std::string::npos);  // GeoChat's paper: failing, unconfirmed
    CHECK(table.find("\u2298 blocked</a>") != std::string::npos);
    CHECK(table.find("\u2192 moved</a>") != std::string::npos);
    CHECK(table.find("<span class=\"role\">project</span>") != std::string::npos);
    // Stale-venue evidence next to the venue, stars and last commit from RepoMeta.
    CHECK(table.find("listed as arXiv 2022, published as NeurIPS 2022") != std::string::npos);
    CHECK(table.find("data-sort=\"1400\">1400<span class=\"tag\">archived</span>") != std::string::npos);
    CHECK(table.find("<td>2025-02-11</td>") != std::string::npos);
    // The filter box only appears when the script runs.
    CHECK(render_html(f.snapshot, f.diff).find("<div id=\"controls\" hidden>") != std::string::npos);
}

TEST_CASE("html: the diff comes first, in diff.md's categories", "[html]") {
    const auto f = ah::testing::html_report_fixture();
    const std::string html = render_html(f.snapshot, f.diff);
    const std::vector<std::string> headings = {"Newly dead", "Stale metadata", "Moved", "Failing, not yet confirmed",
                                               "Blocked (not known dead)", "Still dead", "Entries added",
                                               "Entries removed"};
    std::size_t previous = html.find("<section id=\"changes\">");
    REQUIRE(previous != std::string::npos);
    CHECK(previous < html.find("<section id=\"summary\">"));
    for (const auto& h : headings) {
        INFO(h);
        const std::size_t at = html.find(">" + h + " (");
        CHECK(at != std::string::npos);
        CHECK(at > previous);
        previous = at;
    }
    // Suggested fixes are links: the new location and the archived copy.
    CHECK(html.find("use <a href=\"https://openaccess.thecvf.com/content/ICCV2023/html/ScaleMAE.html\"") != std::string::npos);
    CHECK(html.find("archived copy: <a href=\"https://web.archive.org/web/2025/") != std::string::npos);
    CHECK(html.find("<td>2026-11-25</td>") != std::string::npos);  // since
    // The trend is drawn in the page, one panel per series.
    CHECK(count_of(html, "<svg class=\"s-") == 3);
    CHECK(html.find("<polyline points=\"") != std::string::npos);
}

TEST_CASE("html: hostile titles, URLs and messages stay text", "[html]") {
    const auto f = hostile_fixture();
    const std::string html = render_html(f.snapshot, f.diff);

    CHECK(count_of(html, "<script") == 1);
    CHECK(count_of(html, "</script") == 1);
    CHECK(html.find("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(html.find("&quot;&#39;&gt;&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
    CHECK(count_of(html, "href=\"javascript") == 0);
    CHECK(count_of(html, "href=\" javascript") == 0);
    CHECK(count_of(html, "href=\"data:") == 0);
    CHECK(count_of(html, "href=\"vbscript") == 0);
    CHECK(count_of(html, "href=\"//") == 0);
    CHECK(html.find("<span class=\"badge v-dead nolink\" title=\"javascript:alert(1) \u2014") != std::string::npos);

    std::size_t hrefs = 0;
    for (const Tag& tag : tags_of(html)) {
        INFO("<" << tag.name << ">");
        const std::set<std::string> known = {"!doctype", "html", "/html", "head", "/head", "meta", "title", "/title",
                                             "style", "/style", "body", "/body", "header", "/header", "h1", "/h1",
                                             "h2", "/h2", "h3", "/h3", "p", "/p", "span", "/span", "time", "/time",
                                             "main", "/main", "section", "/section", "table", "/table", "thead",
                                             "/thead", "tbody", "/tbody", "tr", "/tr", "th", "/th", "td", "/td", "a",
                                             "/a", "div", "/div", "ul", "/ul", "li", "/li", "svg", "/svg", "text",
                                             "/text", "line", "polyline", "circle", "/circle", "details", "/details",
                                             "summary", "/summary", "label", "/label", "input", "footer", "/footer",
                                             "script", "/script"};
        CHECK(known.count(tag.name) == 1);  // no <img>, <b>, <i>, <iframe>, <marquee>, <x>
        for (const auto& [name, value] : tag.attributes) {
            INFO(name << "=" << value);
            CHECK(name.rfind("on", 0) != 0);  // no event handlers
            CHECK(name != "src");
            if (name == "href") {
                ++hrefs;
                const std::string url = unescape_attribute(value);
                CHECK((url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0));
                CHECK(value.find('"') == std::string::npos);
            }
        }
    }
    CHECK(hrefs > 0);
    // The script tag is the renderer's own, with nothing from the data in it.
    const std::size_t script = html.find("<script>");
    CHECK(html.find("alert", script) == std::string::npos);
}

TEST_CASE("html: empty snapshot and first run", "[html]") {
    Snapshot s;
    s.generated_at = "2026-11-27T02:00:00Z";
    Diff d = diff_snapshots(nullptr, s, DiffPolicy{});
    const std::string html = render_html(s, d);
    CHECK(html.find("First run: the baseline is recorded") != std::string::npos);
    CHECK(html.find("All clear") != std::string::npos);
    CHECK(html.find("No runs recorded yet.") != std::string::npos);
    CHECK(html.find("<span id=\"count\" aria-live=\"polite\">0 entries</span>") != std::string::npos);
    CHECK(html.rfind("</html>\n") == html.size() - 8);
}
