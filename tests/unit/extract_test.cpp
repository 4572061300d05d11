// Extraction tests: rows of the real list pinned by reading the file, counts derived
// independently with grep, and the Markdown edge cases (reference links, HTML, CRLF, ...).
#include <catch2/catch.hpp>

#include <algorithm>

#include "ah/extract.h"
#include "support/run_process.h"

using namespace ah;

namespace {

const Catalog& real_list() {
    static const Catalog catalog = [] {
        auto text = read_list_file(AH_FIXTURES_DIR "/awesome-rsfm-README.md", 64u << 20);
        REQUIRE(text.ok());
        return extract_catalog(*text, "awesome-rsfm-README.md");
    }();
    return catalog;
}

const Entry& entry_named(const Catalog& c, std::string_view abbreviation, int nth = 0) {
    for (const auto& e : c.entries)
        if (e.abbreviation == abbreviation && nth-- == 0) return e;
    FAIL("no entry " << abbreviation);
    throw;
}

std::vector<const Link*> links_of(const Catalog& c, const Entry& e) {
    std::vector<const Link*> out;
    for (std::size_t i : e.links) out.push_back(&c.links[i]);
    return out;
}

std::size_t count_findings(const Catalog& c, FindingKind kind) {
    return static_cast<std::size_t>(
        std::count_if(c.findings.begin(), c.findings.end(), [&](const Finding& f) { return f.kind == kind; }));
}

Catalog extract(std::string_view md) { return extract_catalog(std::string(md), "test.md"); }

}  // namespace

TEST_CASE("the real list: counts derived with grep", "[extract]") {
    const Catalog& c = real_list();
    // grep -c '^|' = 174 table lines; 11 tables, each with a header and a delimiter row:
    // 174 - 11 - 11 = 152 data rows (the "Relevant Projects" table follows a prose line
    // with no blank line; GitHub still renders it as a table, so it counts).
    CHECK(c.entries.size() == 152);
    // grep -o '](' = 270 Markdown link/image destinations, plus 3 raw-HTML src="..." badges.
    CHECK(c.links.size() == 273);
    // grep -oE 'https?://[^ )"#]+' | sort -u = 230 distinct URLs.
    CHECK(c.targets.size() == 230);
    // grep -oE 'arxiv\.org/(abs|pdf)/[0-9]+\.[0-9]+' | sed 's#.*/##' | sort -u = 90 ids.
    std::vector<std::string> arxiv_ids, repos;
    for (const auto& l : c.links) {
        if (l.info.kind() == LinkKind::arxiv) arxiv_ids.emplace_back(l.info.id());
        if (l.info.kind() == LinkKind::github_repo) repos.emplace_back(l.info.id());
    }
    std::sort(arxiv_ids.begin(), arxiv_ids.end());
    arxiv_ids.erase(std::unique(arxiv_ids.begin(), arxiv_ids.end()), arxiv_ids.end());
    CHECK(arxiv_ids.size() == 90);
    // grep -oE 'github\.com/[^/ )"?#]+/[^/ )"?#]+' | sort -u = 77 repositories.
    std::sort(repos.begin(), repos.end());
    repos.erase(std::unique(repos.begin(), repos.end()), repos.end());
    CHECK(repos.size() == 77);
    // grep -oE '\]\(#[^)]*\)' = 11 table-of-contents anchors.
    CHECK(std::count_if(c.links.begin(), c.links.end(),
                        [](const Link& l) { return l.info.kind() == LinkKind::anchor; }) == 11);
}

TEST_CASE("the real list: SatMAE row", "[extract]") {
    const Catalog& c = real_list();
    const Entry& e = entry_named(c, "SatMAE");
    CHECK(e.line == 41);
    CHECK(e.section() == "Remote Sensing Vision Foundation Models");
    CHECK(e.title == "SatMAE: Pre-training Transformers for Temporal and Multi-Spectral Satellite Imagery");
    CHECK(e.publication.venue == "NeurIPS");
    CHECK(e.publication.year == 2022);
    CHECK(e.publication.kind == VenueKind::conference);
    const auto links = links_of(c, e);
    REQUIRE(links.size() == 2);
    CHECK(links[0]->role == LinkRole::paper);
    CHECK(links[0]->info.url() ==
          "https://proceedings.neurips.cc/paper_files/paper/2022/hash/01c561df365429f33fcd7a7faa44c985-Abstract-Conference.html");
    CHECK(links[0]->info.kind() == LinkKind::web);
    CHECK(links[0]->line == 41);
    CHECK(links[1]->role == LinkRole::code);
    CHECK(links[1]->info.kind() == LinkKind::github_repo);
    CHECK(links[1]->info.id() == "sustainlab-group/SatMAE");
    CHECK(links[1]->column_name == "Code & Weights");
}

TEST_CASE("the real list: SkySense has code 'Comming soon'", "[extract]") {
    const Catalog& c = real_list();
    const Entry& e = entry_named(c, "SkySense");
    CHECK(e.line == 85);
    REQUIRE(e.cell("Code & Weights") != nullptr);
    CHECK(*e.cell("Code & Weights") == "Comming soon");
    CHECK(links_of(c, e).size() == 1);  // the paper only
    const auto it = std::find_if(c.findings.begin(), c.findings.end(), [](const Finding& f) {
        return f.kind == FindingKind::placeholder && f.line == 85;
    });
    REQUIRE(it != c.findings.end());
    CHECK(it->message.find("SkySense") != std::string::npos);
    CHECK(it->message.find("Comming soon") != std::string::npos);
}

TEST_CASE("the real list: the two empty paper links", "[extract]") {
    const Catalog& c = real_list();
    REQUIRE(count_findings(c, FindingKind::empty_link) == 2);
    std::vector<int> lines;
    std::vector<std::string> names;
    for (const auto& f : c.findings)
        if (f.kind == FindingKind::empty_link) {
            lines.push_back(f.line);
            CHECK(f.severity == Severity::error);
            REQUIRE(f.entry < c.entries.size());
            names.push_back(c.entries[f.entry].abbreviation);
        }
    CHECK(lines == std::vector<int>{119, 212});
    CHECK(names == std::vector<std::string>{"SkySenseGPT", "FIT-RS"});
    const Entry& fit = entry_named(c, "FIT-RS");
    const auto links = links_of(c, fit);
    REQUIRE(links.size() == 2);
    CHECK(links[0]->info.kind() == LinkKind::empty);
    CHECK(links[0]->target == no_index);
}

TEST_CASE("the real list: table-of-contents anchors", "[extract]") {
    const Catalog& c = real_list();
    std::vector<std::string> case_only;
    for (const auto& f : c.findings) {
        CHECK(f.kind != FindingKind::broken_anchor);
        if (f.kind == FindingKind::anchor_case) {
            CHECK(f.severity == Severity::warning);
            case_only.push_back(f.url);
        }
    }
    CHECK(case_only == std::vector<std::string>{"#benchmarks-for-rSFMs", "#large-scale-Pre-training-Datasets"});
    const auto has_slug = [&](std::string_view slug) {
        return std::any_of(c.headings.begin(), c.headings.end(), [&](const Heading& h) { return h.slug == slug; });
    };
    CHECK(has_slug("remote-sensing-vision-foundation-models"));
    CHECK(has_slug("large-scale-pre-training-datasets"));
    CHECK(has_slug("benchmarks-for-rsfms"));
}

TEST_CASE("the real list: arXiv ids, versions and .pdf links", "[extract]") {
    const Catalog& c = real_list();
    const auto links = links_of(c, entry_named(c, "DOFA"));
    REQUIRE(!links.empty());
    CHECK(links[0]->info.kind() == LinkKind::arxiv);
    CHECK(links[0]->info.id() == "2403.15356");
    CHECK(links[0]->info.version().empty());

    const auto find_url = [&](std::string_view url) -> const Link& {
        for (const auto& l : c.links)
            if (l.raw == url) return l;
        FAIL("no link " << url);
        throw;
    };
    const Link& versioned = find_url("https://arxiv.org/abs/2311.15153v4");
    CHECK(versioned.info.id() == "2311.15153");
    CHECK(versioned.info.version() == "4");
    const Link& pdf = find_url("https://arxiv.org/pdf/2311.00566.pdf");
    CHECK(pdf.info.kind() == LinkKind::arxiv);
    CHECK(pdf.info.id() == "2311.00566");
    const Link& pdf_no_suffix = find_url("https://arxiv.org/pdf/2404.08351");
    CHECK(pdf_no_suffix.info.id() == "2404.08351");
}

TEST_CASE("the real list: badges, placeholders and sections", "[extract]") {
    const Catalog& c = real_list();
    // Line 1: [![Maintenance](badge)](repo graphs) -> an image inside a link.
    REQUIRE(c.links.size() > 7);
    CHECK(c.links[0].line == 1);
    CHECK(c.links[0].role == LinkRole::image);
    CHECK(c.links[0].syntax == LinkSyntax::image);
    CHECK(c.links[1].info.kind() == LinkKind::github_repo);
    CHECK(c.links[1].text == "Maintenance");
    // Line 3: three raw-HTML <img src> badges.
    for (int i = 4; i < 7; ++i) {
        CHECK(c.links[i].line == 3);
        CHECK(c.links[i].syntax == LinkSyntax::html_src);
        CHECK(c.links[i].info.host() == "img.shields.io");
    }
    // CACo's dataset link text is a placeholder although the URL exists.
    const Entry& caco = entry_named(c, "CACo", 1);
    CHECK(caco.section() == "(Large-scale) Pre-training Datasets");
    CHECK(std::any_of(c.findings.begin(), c.findings.end(), [&](const Finding& f) {
        return f.kind == FindingKind::placeholder_link && f.line == caco.line;
    }));
    // "Relevant Projects" table, right after a prose line.
    const auto relevant = std::find_if(c.entries.begin(), c.entries.end(),
                                       [](const Entry& e) { return e.section() == "Relevant Projects"; });
    REQUIRE(relevant != c.entries.end());
    CHECK(relevant->line == 222);
    CHECK(c.links[relevant->links.at(0)].role == LinkRole::project);
    // Publication cells.
    CHECK(entry_named(c, "EarthPT").publication.venue == "NeurIPS");
    CHECK(entry_named(c, "EarthPT").publication.qualifier == "CCAI workshop");
    CHECK(entry_named(c, "EarthPT").publication.kind == VenueKind::workshop);
    CHECK(entry_named(c, "GeoLLM-QA").publication.venue == "ICLR");
    CHECK(entry_named(c, "GeoLLM-QA").publication.qualifier == "ML4RS Workshop");
    CHECK(entry_named(c, "Seg2Sat").publication.kind == VenueKind::software);
    CHECK(entry_named(c, "Clay").publication.placeholder);
    CHECK(entry_named(c, "BFM").publication.kind == VenueKind::preprint);
    // Duplicate URLs across entries are information.
    CHECK(count_findings(c, FindingKind::duplicate_url) > 0);
    for (const auto& f : c.findings)
        if (f.kind == FindingKind::duplicate_url) CHECK(f.severity == Severity::info);
}

TEST_CASE("reference links, autolinks and raw HTML", "[extract]") {
    const Catalog c = extract(
        "See [the paper][p] and <https://auto.example.org/x> and https://bare.example.org/y.\n"
        "\n"
        "<a href=\"https://html.example.org/?a=1&amp;b=2\">x</a> <img src='https://img.example.org/i.png'>\n"
        "\n"
        "[p]: https://ref.example.org/paper \"Title\"\n");
    REQUIRE(c.links.size() == 5);
    CHECK(c.links[0].raw == "https://ref.example.org/paper");
    CHECK(c.links[0].syntax == LinkSyntax::reference);
    CHECK(c.links[0].line == 1);  // where it is used, not where it is defined
    CHECK(c.links[0].text == "the paper");
    CHECK(c.links[1].raw == "https://auto.example.org/x");
    CHECK(c.links[1].syntax == LinkSyntax::autolink);
    CHECK(c.links[2].raw == "https://bare.example.org/y");
    CHECK(c.links[2].syntax == LinkSyntax::autolink);
    CHECK(c.links[3].raw == "https://html.example.org/?a=1&b=2");
    CHECK(c.links[3].syntax == LinkSyntax::html_href);
    CHECK(c.links[3].line == 3);
    CHECK(c.links[3].column == 10);
    CHECK(c.links[4].raw == "https://img.example.org/i.png");
    CHECK(c.links[4].role == LinkRole::image);
}

TEST_CASE("URLs with parentheses and odd characters", "[extract]") {
    const Catalog c = extract(
        "[wiki](https://en.wikipedia.org/wiki/Foo_(bar)) [spaced](<https://x.example.org/a b>)\n");
    REQUIRE(c.links.size() == 2);
    CHECK(c.links[0].raw == "https://en.wikipedia.org/wiki/Foo_(bar)");
    CHECK(c.links[0].info.url() == "https://en.wikipedia.org/wiki/Foo_(bar)");
    CHECK(c.links[1].info.url() == "https://x.example.org/a%20b");
}

TEST_CASE("CRLF files give the same lines as LF files", "[extract]") {
    const std::string lf = "# T\n\n|A|Paper|\n|---|---|\n|x|[p](https://a.example.org/1)|\n|y|null|\n";
    std::string crlf;
    for (char ch : lf) {
        if (ch == '\n') crlf += '\r';
        crlf += ch;
    }
    const Catalog a = extract(lf), b = extract(crlf);
    REQUIRE(a.entries.size() == 2);
    REQUIRE(b.entries.size() == 2);
    CHECK(b.entries[0].line == 5);
    CHECK(b.entries[1].line == 6);
    CHECK(b.links[0].info.url() == "https://a.example.org/1");
    CHECK(b.entries[1].cells[1].text == "null");
    CHECK(a.findings.size() == b.findings.size());
}

TEST_CASE("non-UTF-8 bytes become a finding, never a crash", "[extract]") {
    const Catalog c = extract("# Caf\xE9\n\n[x](https://a.example.org/\xFF\xFE) \xC3\x28\n");
    REQUIRE(c.links.size() == 1);
    CHECK(c.links[0].info.kind() == LinkKind::web);
    CHECK(c.links[0].info.url() == "https://a.example.org/%FF%FE");
    std::size_t invalid = 0;
    for (const auto& f : c.findings) invalid += f.kind == FindingKind::invalid_utf8;
    CHECK(invalid == 2);  // one per line with bad bytes
}

TEST_CASE("empty input and a file of nothing but text", "[extract]") {
    CHECK(extract("").links.empty());
    CHECK(extract("").entries.empty());
    const Catalog c = extract("just words, no links\n");
    CHECK(c.links.empty());
    CHECK(c.findings.empty());
}

TEST_CASE("anchors: exact, case-only and broken", "[extract]") {
    const Catalog c = extract("# Hello World\n## Hello World\n[a](#hello-world) [b](#hello-world-1) [c](#Hello-World) [d](#nope) [e](#)\n");
    std::vector<FindingKind> kinds;
    for (const auto& f : c.findings) kinds.push_back(f.kind);
    CHECK(kinds == std::vector<FindingKind>{FindingKind::anchor_case, FindingKind::broken_anchor});
}

TEST_CASE("malformed URLs are findings", "[extract]") {
    const Catalog c = extract("[a](https://) [b](http:no-slashes) [c](//proto.relative/x) [d](mailto:x@example.org) [e](docs/x.md)\n");
    REQUIRE(c.links.size() == 5);
    CHECK(c.links[0].info.kind() == LinkKind::malformed);
    CHECK(c.links[1].info.kind() == LinkKind::malformed);
    CHECK(c.links[2].info.kind() == LinkKind::malformed);
    CHECK(c.links[3].info.kind() == LinkKind::other_scheme);
    CHECK(c.links[4].info.kind() == LinkKind::relative);
    std::size_t malformed = 0;
    for (const auto& f : c.findings) malformed += f.kind == FindingKind::malformed_url;
    CHECK(malformed == 3);
}

TEST_CASE("read_list_file refuses what is not a list", "[extract]") {
    ah::testing::TempDir dir;
    const auto missing = read_list_file(dir.file("nope.md"), 1000);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().to_string().find("nope.md: no such file") != std::string::npos);
    const auto directory = read_list_file(dir.path(), 1000);
    REQUIRE_FALSE(directory.ok());
    CHECK(directory.error().message.find("directory") != std::string::npos);
    const auto binary = read_list_file(dir.write("bin.md", std::string("ab\ncd\0ef", 8)), 1000);
    REQUIRE_FALSE(binary.ok());
    CHECK(binary.error().where.line == 2);
    const auto big = read_list_file(dir.write("big.md", std::string(2000, 'x')), 1000);
    REQUIRE_FALSE(big.ok());
    CHECK(big.error().message.find("over the limit") != std::string::npos);
    const auto empty = read_list_file(dir.write("empty.md", ""), 1000);
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().to_string().find("empty.md: is empty (0 bytes)") != std::string::npos);
}
