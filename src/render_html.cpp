// The HTML report (see render_html.h). Everything from the snapshot is untrusted: titles,
// URLs and server messages come from the list and from remote hosts, so every string goes
// through html_escape, every href through is_linkable_url, and the script reads nothing
// but the DOM. The script and the style sheet are fixed strings pinned by a CSP hash.
#include "ah/render_html.h"

#include <algorithm>
#include <array>
#include <iterator>
#include <map>
#include <unordered_map>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "ah/url.h"
#include "text_util.h"

namespace ah {

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (const char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            case '\t': case '\n': out += c; break;
            default:
                // C0 controls and DEL are never meaningful in a report (and NUL is a parse error).
                out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
        }
    }
    return out;
}

bool is_linkable_url(std::string_view url) {
    std::size_t rest = 0;
    if (text::istarts_with(url, "https://")) rest = 8;
    else if (text::istarts_with(url, "http://")) rest = 7;
    else return false;
    if (url.size() <= rest || url[rest] == '/') return false;  // no host
    return std::none_of(url.begin(), url.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f;
    });
}

namespace {

// The page is built in a buffer that goes to the sink whenever it grows large, so the
// all-entries table of a big list (about 600 bytes a row) is never held whole.
class Page {
public:
    explicit Page(TextSink& sink) : sink_(sink) {}
    std::string text;
    void spill() { hand_over(text, sink_, text_chunk_bytes); }
    void finish() { hand_over(text, sink_); }

private:
    TextSink& sink_;
};

// Same order as diff.md, so the page and the issue read alike.
const std::span<const ChangeKind> display_order = change_kinds_in_report_order();

constexpr std::array card_verdicts = {Verdict::ok, Verdict::moved, Verdict::dead, Verdict::error, Verdict::blocked,
                                      Verdict::skipped, Verdict::malformed};

constexpr std::size_t fold_threshold = 10;    // longer diff categories fold into <details>
constexpr std::size_t shown_url_chars = 60;   // longer URLs are shortened in link text

constexpr std::string_view style_sheet = R"css(
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--card:#f6f8fa;
--ok:#1a7f37;--moved:#0969da;--dead:#cf222e;--error:#bc4c00;--blocked:#9a6700;--skipped:#6e7781;--malformed:#8250df}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--line:#3d444d;--card:#151b23;
--ok:#3fb950;--moved:#4493f8;--dead:#f85149;--error:#db6d28;--blocked:#d29922;--skipped:#9198a1;--malformed:#ab7df8}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1400px;padding:1rem 1.5rem 3rem;background:var(--bg);color:var(--fg);
font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
h1{font-size:1.6rem;margin:.2rem 0}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:1px solid var(--line);padding-bottom:.3rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
a{color:var(--moved)}
.meta{color:var(--muted);margin:.2rem 0}.meta span{margin-right:1.2rem}
.note{background:var(--card);border-left:4px solid var(--blocked);padding:.4rem .8rem;margin:.6rem 0}
.allclear{background:var(--card);border-left:4px solid var(--ok);padding:.4rem .8rem}
table{border-collapse:collapse;width:100%;margin:.3rem 0}
th,td{text-align:left;vertical-align:top;padding:.35rem .5rem;border-bottom:1px solid var(--line)}
th{background:var(--card);white-space:nowrap}
td.num,th.num{text-align:right;white-space:nowrap}
tbody tr:hover{background:var(--card)}
.cards{display:flex;flex-wrap:wrap;gap:.6rem}
.card{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--skipped);border-radius:6px;
padding:.5rem .8rem;min-width:7.5rem}
.card .n{font-size:1.6rem;font-weight:600;display:block}.card .k{color:var(--muted)}
.card.wide{min-width:16rem}.card ul{margin:.2rem 0 0;padding-left:1.1rem}
.card.v-ok{border-top-color:var(--ok)}.card.v-moved{border-top-color:var(--moved)}.card.v-dead{border-top-color:var(--dead)}
.card.v-error{border-top-color:var(--error)}.card.v-blocked{border-top-color:var(--blocked)}
.card.v-malformed{border-top-color:var(--malformed)}
.badge{display:inline-block;padding:0 .45rem;margin:0 .2rem .2rem 0;border-radius:1rem;border:1px solid currentColor;
font-size:.85em;white-space:nowrap;text-decoration:none;font-weight:600}
.badge.v-ok{color:var(--ok)}.badge.v-moved{color:var(--moved)}.badge.v-dead{color:var(--dead)}
.badge.v-error{color:var(--error)}.badge.v-blocked{color:var(--blocked)}.badge.v-skipped,.badge.v-unchecked{color:var(--skipped)}
.badge.v-malformed{color:var(--malformed)}.badge.unconfirmed{border-style:dashed}
.role{color:var(--muted);font-size:.8em;margin-right:.25rem}.lk{display:block;white-space:nowrap}
table.changes{table-layout:fixed}table.changes th:nth-child(1){width:12%}table.changes th:nth-child(2){width:14%}
table.changes th:nth-child(3){width:22%}table.changes th:nth-child(4){width:22%}table.changes th:nth-child(5){width:8%}
.evidence{color:var(--blocked);font-size:.85em;margin-top:.2rem}
.nolink{color:var(--muted);word-break:break-all}
.url{word-break:break-all}
.tag{font-size:.8em;color:var(--muted);border:1px solid var(--line);border-radius:4px;padding:0 .3rem;margin-left:.3rem}
.trend{display:flex;flex-wrap:wrap;gap:1rem}
.trend svg{width:340px;max-width:100%;height:auto;background:var(--card);border:1px solid var(--line);border-radius:6px}
.trend text{fill:var(--muted);font-size:11px}.trend .label{fill:var(--fg);font-size:13px;font-weight:600}
.trend .axis{stroke:var(--line);stroke-width:1}
.trend polyline{fill:none;stroke-width:2}.trend circle{stroke:var(--bg);stroke-width:1}
.s-ok polyline{stroke:var(--ok)}.s-ok circle{fill:var(--ok)}
.s-blocked polyline{stroke:var(--blocked)}.s-blocked circle{fill:var(--blocked)}
.s-dead polyline{stroke:var(--dead)}.s-dead circle{fill:var(--dead)}
#controls{display:flex;align-items:center;gap:1rem;margin:.4rem 0}
#controls[hidden]{display:none}
#filter{font:inherit;padding:.3rem .6rem;width:22rem;max-width:100%;border:1px solid var(--line);border-radius:6px;
background:var(--bg);color:var(--fg)}
#count{color:var(--muted)}
th button{font:inherit;font-weight:600;color:inherit;background:none;border:0;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" \25B2"}th[aria-sort=descending] button::after{content:" \25BC"}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600}
footer{margin-top:2rem;color:var(--muted)}
)css";

// Reads only the DOM; no data is ever interpolated into this text.
constexpr std::string_view script_text = R"js(
(function () {
  "use strict";
  var body = document.body;
  window.addEventListener("error", function (e) {
    body.setAttribute("data-js-error", String((e && e.message) || e));
  });
  try {
    var table = document.getElementById("entries");
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var total = rows.length;
    var box = document.getElementById("filter");
    var count = document.getElementById("count");
    var texts = rows.map(function (row) { return row.textContent.toLowerCase(); });
    rows.forEach(function (row, i) { row.setAttribute("data-index", String(i)); });

    var apply = function () {
      var term = box.value.trim().toLowerCase();
      var shown = 0;
      rows.forEach(function (row, i) {
        var match = term === "" || texts[i].indexOf(term) !== -1;
        row.hidden = !match;
        if (match) shown++;
      });
      count.textContent = "showing " + shown + " of " + total;
      body.setAttribute("data-shown", String(shown));
    };

    var sortKey = function (cell, numeric) {
      var v = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
      if (numeric) {
        var n = parseFloat(v);
        return isNaN(n) ? null : n;
      }
      return v === "" ? null : v.toLowerCase();
    };

    /* The view lives in the address (#filter=term&sort=key or key-desc), so it can be
       shared and reloaded; ?q=term works too. */
    var sortedBy = "";
    var remember = function () {
      var parts = [];
      if (box.value !== "") parts.push("filter=" + encodeURIComponent(box.value));
      if (sortedBy !== "") parts.push("sort=" + sortedBy);
      try {
        window.history.replaceState(null, "", parts.length ? "#" + parts.join("&")
                                                            : window.location.pathname + window.location.search);
      } catch (err) { /* file:// may refuse; the page works regardless */ }
    };

    var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
    var sortBy = function (th, ascending) {
      var col = headers.indexOf(th);
      headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      sortedBy = th.getAttribute("data-key") + (ascending ? "" : "-desc");
      var numeric = th.getAttribute("data-type") === "num";
      var keyed = rows.map(function (row) {
        return { row: row, key: sortKey(row.cells[col], numeric), index: Number(row.getAttribute("data-index")) };
      });
      keyed.sort(function (a, b) {
        if (a.key === null || b.key === null) {
          if (a.key === b.key) return a.index - b.index;
          return a.key === null ? 1 : -1;  /* blanks last, either way */
        }
        var c = numeric ? a.key - b.key : a.key.localeCompare(b.key);
        if (c === 0) return a.index - b.index;
        return ascending ? c : -c;
      });
      keyed.forEach(function (k) { tbody.appendChild(k.row); });
    };
    headers.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        sortBy(th, th.getAttribute("aria-sort") !== "ascending");
        remember();
      });
    });

    var decode = function (v) {
      try { return decodeURIComponent(v.replace(/\+/g, " ")); } catch (err) { return v; }
    };
    window.location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq < 0) return;
      var name = part.slice(0, eq), value = decode(part.slice(eq + 1));
      if (name === "filter") box.value = value;
      if (name === "sort") {
        var desc = /-desc$/.test(value);
        var key = value.replace(/-desc$/, "");
        headers.forEach(function (th) { if (th.getAttribute("data-key") === key) sortBy(th, !desc); });
      }
    });
    if (box.value === "" && window.URLSearchParams) {
      box.value = new URLSearchParams(window.location.search).get("q") || "";
    }
    box.addEventListener("input", function () { apply(); remember(); });
    document.getElementById("controls").hidden = false;
    apply();
    body.setAttribute("data-js-ok", "1");
  } catch (err) {
    body.setAttribute("data-js-error", String((err && err.message) || err));
  }
})();
)js";

std::string sha256_base64(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
    std::string out(4 * ((length + 2) / 3) + 1, '\0');
    const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), digest, static_cast<int>(length));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

// Cuts on a UTF-8 boundary so a shortened title or URL never ends in half a character.
std::string shorten(std::string_view s, std::size_t max_bytes) {
    if (s.size() <= max_bytes) return std::string(s);
    std::size_t end = 0;
    while (end < s.size()) {
        const std::size_t n = std::max<std::size_t>(1, text::utf8_sequence_length(s, end));
        if (end + n > max_bytes - 3) break;
        end += n;
    }
    return std::string(s.substr(0, end)) + "...";
}

// A link whose text is already HTML; an URL that is not http(s) is shown, never linked.
std::string link_html(std::string_view url, std::string_view inner_html, std::string_view css_class = "",
                      std::string_view title = "") {
    // The link leads to the page without the credentials (the text shows them masked).
    const std::string href = drop_credentials(url);
    std::string attributes;
    if (!title.empty()) attributes = fmt::format(" title=\"{}\"", html_escape(title));
    if (!is_linkable_url(href))
        return fmt::format("<span class=\"{}nolink\"{}>{}</span>", css_class.empty() ? "" : std::string(css_class) + " ",
                           attributes, inner_html);
    if (!css_class.empty()) attributes = fmt::format(" class=\"{}\"{}", css_class, attributes);
    return fmt::format("<a href=\"{}\" rel=\"noopener noreferrer nofollow\"{}>{}</a>", html_escape(href), attributes,
                       inner_html);
}

std::string url_link(std::string_view url) {
    if (url.empty()) return "";
    return link_html(url, "<span class=\"url\">" + html_escape(shorten(mask_credentials(url), shown_url_chars)) + "</span>");
}

// "use https://...", "archived copy: https://..." and evidence text: the URL becomes a link.
std::string text_with_link(std::string_view s) {
    const std::size_t at = s.find("http");
    if (at == std::string_view::npos) return html_escape(s);
    std::size_t end = at;
    while (end < s.size() && !text::is_space(s[end])) ++end;
    const std::string_view url = s.substr(at, end - at);
    if (!is_linkable_url(url)) return html_escape(s);
    return html_escape(s.substr(0, at)) + url_link(url) + html_escape(s.substr(end));
}

std::string format_duration(std::int64_t ms) {
    if (ms < 1000) return fmt::format("{} ms", ms);
    const std::int64_t s = ms / 1000;
    if (s < 60) return fmt::format("{}.{} s", s, (ms % 1000) / 100);
    if (s < 3600) return fmt::format("{} min {} s", s / 60, s % 60);
    return fmt::format("{} h {} min", s / 3600, (s % 3600) / 60);
}

std::string day(std::string_view iso) { return std::string(iso.substr(0, std::min<std::size_t>(10, iso.size()))); }

std::string_view verdict_symbol(Verdict v) {
    switch (v) {
        case Verdict::ok: return "\u2713";        // check mark
        case Verdict::moved: return "\u2192";     // arrow
        case Verdict::dead: return "\u2717";      // cross
        case Verdict::error: return "!";
        case Verdict::blocked: return "\u2298";   // circled slash
        case Verdict::malformed: return "?";
        case Verdict::skipped: return "\u2013";   // dash
    }
    return "";
}

std::string badge_tooltip(const TargetRecord& t) {
    std::string tip = mask_credentials(t.url);
    const CheckResult& r = t.result;
    if (r.http_status != 0) tip += fmt::format(" \u2014 HTTP {}", r.http_status);
    if (!r.error.empty() && r.error != fmt::format("HTTP {}", r.http_status)) tip += " \u2014 " + r.error;
    if (r.verdict == Verdict::moved && !r.final_url.empty()) tip += " \u2192 " + mask_credentials(r.final_url);
    if (is_failure(r.verdict)) {
        if (!t.first_failed_at.empty()) tip += " \u2014 failing since " + day(t.first_failed_at);
        if (!t.confirmed) tip += fmt::format(" (failing {} run(s), not yet confirmed)", t.consecutive_failures);
    }
    return tip;
}

std::string badge(std::string_view url, const TargetRecord* t, std::string_view role_label) {
    std::string role = role_label.empty() ? "" : fmt::format("<span class=\"role\">{}</span>", html_escape(role_label));
    if (t == nullptr) return role + link_html(url, "\u2013 unchecked", "badge v-unchecked", mask_credentials(url));
    const Verdict v = t->result.verdict;
    const bool unconfirmed = is_failure(v) && !t->confirmed;
    const std::string label = fmt::format("{} {}{}", verdict_symbol(v), to_string(v), unconfirmed ? "?" : "");
    return role + link_html(url, html_escape(label),
                            fmt::format("badge v-{}{}", to_string(v), unconfirmed ? " unconfirmed" : ""),
                            badge_tooltip(*t));
}

// ---------------------------------------------------------------- page parts

void render_header(std::string& out, const Snapshot& s, const Diff& d) {
    const std::string source = s.list_source.empty() ? d.list_source : s.list_source;
    fmt::format_to(std::back_inserter(out), "<header>\n<h1>Link health: {}</h1>\n<p class=\"meta\">",
                   link_html(source, html_escape(mask_credentials(source))));
    fmt::format_to(std::back_inserter(out), "<span>generated <time>{}</time></span><span>took {}</span>",
                   html_escape(s.generated_at), html_escape(format_duration(s.duration_ms)));
    fmt::format_to(std::back_inserter(out), "<span>{} links, {} requests, {} retries</span>", s.targets.size(),
                   s.requests, s.retries);
    if (!d.old_generated_at.empty())
        fmt::format_to(std::back_inserter(out), "<span>compared with the run of <time>{}</time></span>",
                       html_escape(d.old_generated_at));
    out += "</p>\n";
    if (!s.tool.empty()) fmt::format_to(std::back_inserter(out), "<p class=\"meta\">{}</p>\n", html_escape(s.tool));
    out += "</header>\n";
}

void render_diff(Page& page, const Diff& d) {
    std::string& out = page.text;
    out += "<section id=\"changes\">\n<h2>What changed</h2>\n";
    if (d.first_run)
        out += "<p class=\"note\">First run: the baseline is recorded; below is the current state.</p>\n";
    if (d.different_list)
        out += "<p class=\"note\">The previous report was of another list; changes are compared by URL.</p>\n";
    if (d.changes.empty()) out += "<p class=\"allclear\">\u2713 All clear: nothing changed since the last run.</p>\n";
    for (ChangeKind k : display_order) {
        const std::size_t n = d.count(k);
        if (n == 0) continue;
        const bool fold = n > fold_threshold;
        const std::string title = fmt::format("{} ({})", heading_of(k), n);
        if (fold)
            fmt::format_to(std::back_inserter(out), "<details class=\"k-{}\"{}><summary>{}</summary>\n", to_string(k),
                           k == ChangeKind::newly_dead ? " open" : "", html_escape(title));
        else
            fmt::format_to(std::back_inserter(out), "<h3 class=\"k-{}\">{}</h3>\n", to_string(k), html_escape(title));
        out += "<table class=\"changes\">\n<thead><tr><th>Entry</th><th>Section</th><th>Link</th>"
               "<th>What changed</th><th>Since</th><th>Suggested fix</th></tr></thead>\n<tbody>\n";
        for (const Change& c : d.changes) {
            if (c.kind != k) continue;
            std::string what = html_escape(c.what);
            if (!c.detail.empty()) what = fmt::format("{}<span class=\"tag\">{}</span>", what, html_escape(c.detail));
            fmt::format_to(std::back_inserter(out),
                           "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                           html_escape(c.entry), html_escape(c.section), url_link(c.url), what,
                           html_escape(day(c.since)), text_with_link(c.fix));
            page.spill();
        }
        out += "</tbody>\n</table>\n";
        if (fold) out += "</details>\n";
    }
    out += "</section>\n";
}

void render_cards(std::string& out, const Snapshot& s) {
    out += "<section id=\"summary\">\n<h2>Summary</h2>\n<div class=\"cards\">\n";
    fmt::format_to(std::back_inserter(out),
                   "<div class=\"card\"><span class=\"n\">{}</span><span class=\"k\">entries</span></div>\n",
                   s.entries.size());
    fmt::format_to(std::back_inserter(out),
                   "<div class=\"card\"><span class=\"n\">{}</span><span class=\"k\">links</span></div>\n",
                   s.targets.size());
    for (Verdict v : card_verdicts) {
        const std::size_t n = s.count(v);
        if (n == 0 && v == Verdict::malformed) continue;  // rare; the six usual ones always show
        fmt::format_to(std::back_inserter(out),
                       "<div class=\"card v-{0}\"><span class=\"n\">{1}</span><span class=\"k\">{2} {0}</span></div>\n",
                       to_string(v), n, verdict_symbol(v));
    }
    std::map<std::string, std::size_t> kinds;
    for (const auto& f : s.findings) ++kinds[f.kind];
    std::vector<std::pair<std::string, std::size_t>> sorted(kinds.begin(), kinds.end());
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    fmt::format_to(std::back_inserter(out),
                   "<div class=\"card wide\"><span class=\"n\">{}</span><span class=\"k\">findings</span>",
                   s.findings.size());
    if (!sorted.empty()) {
        out += "<ul>";
        for (const auto& [kind, n] : sorted)
            fmt::format_to(std::back_inserter(out), "<li>{} {}</li>", n, html_escape(kind));
        out += "</ul>";
    }
    out += "</div>\n</div>\n</section>\n";
}

struct Series {
    std::string_view name;
    std::size_t RunPoint::*field;
};

// One small chart per series, each on its own scale: a handful of dead links would be a
// flat line at the bottom of a chart scaled for hundreds of ok ones.
void render_panel(std::string& out, const std::vector<RunPoint>& runs, const Series& series) {
    constexpr double width = 340, height = 150, left = 40, right = 14, top = 30, bottom = 24;
    constexpr double plot_w = width - left - right, plot_h = height - top - bottom;
    std::size_t max_value = 1;
    for (const auto& r : runs) max_value = std::max(max_value, r.*series.field);
    const std::size_t n = runs.size();
    const auto x = [&](std::size_t i) { return n <= 1 ? left + plot_w / 2 : left + plot_w * double(i) / double(n - 1); };
    const auto y = [&](std::size_t v) { return top + plot_h - plot_h * double(v) / double(max_value); };
    const std::size_t last = runs.back().*series.field;

    fmt::format_to(std::back_inserter(out),
                   "<svg class=\"s-{0}\" viewBox=\"0 0 {1} {2}\" role=\"img\" aria-label=\"{0} links per run, "
                   "{3} in the last run\">\n",
                   series.name, width, height, last);
    fmt::format_to(std::back_inserter(out), "<text class=\"label\" x=\"{}\" y=\"18\">{}: {}</text>\n", left, series.name,
                   last);
    fmt::format_to(std::back_inserter(out),
                   "<line class=\"axis\" x1=\"{0}\" y1=\"{1:.1f}\" x2=\"{2}\" y2=\"{1:.1f}\"/>"
                   "<line class=\"axis\" x1=\"{0}\" y1=\"{3:.1f}\" x2=\"{2}\" y2=\"{3:.1f}\"/>\n",
                   left, y(0), width - right, y(max_value));
    fmt::format_to(std::back_inserter(out),
                   "<text x=\"{0}\" y=\"{1:.1f}\" text-anchor=\"end\">{2}</text>"
                   "<text x=\"{0}\" y=\"{3:.1f}\" text-anchor=\"end\">0</text>\n",
                   left - 6, y(max_value) + 4, max_value, y(0) + 4);
    out += "<polyline points=\"";
    for (std::size_t i = 0; i < n; ++i)
        fmt::format_to(std::back_inserter(out), "{}{:.1f},{:.1f}", i ? " " : "", x(i), y(runs[i].*series.field));
    out += "\"/>\n";
    for (std::size_t i = 0; i < n; ++i)
        fmt::format_to(std::back_inserter(out),
                       "<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\"><title>{}: {} {}</title></circle>\n", x(i),
                       y(runs[i].*series.field), html_escape(runs[i].at), runs[i].*series.field, series.name);
    fmt::format_to(std::back_inserter(out), "<text x=\"{}\" y=\"{}\">{}</text>", left, height - 6,
                   html_escape(day(runs.front().at)));
    if (n > 1)
        fmt::format_to(std::back_inserter(out), "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", width - right,
                       height - 6, html_escape(day(runs.back().at)));
    out += "\n</svg>\n";
}

void render_trend(std::string& out, const Snapshot& s) {
    fmt::format_to(std::back_inserter(out), "<section id=\"trend\">\n<h2>Trend (last {} runs)</h2>\n", s.runs.size());
    if (s.runs.empty()) {
        out += "<p>No runs recorded yet.</p>\n</section>\n";
        return;
    }
    out += "<div class=\"trend\">\n";
    for (const Series& series : {Series{"ok", &RunPoint::ok}, Series{"blocked", &RunPoint::blocked},
                                 Series{"dead", &RunPoint::dead}})
        render_panel(out, s.runs, series);
    out += "</div>\n<details><summary>Trend data</summary>\n<table>\n<thead><tr><th>Run</th><th class=\"num\">ok</th>"
           "<th class=\"num\">moved</th><th class=\"num\">dead</th><th class=\"num\">error</th>"
           "<th class=\"num\">blocked</th><th class=\"num\">skipped</th></tr></thead>\n<tbody>\n";
    for (auto it = s.runs.rbegin(); it != s.runs.rend(); ++it)
        fmt::format_to(std::back_inserter(out),
                       "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       html_escape(it->at), it->ok, it->moved, it->dead, it->error, it->blocked, it->skipped);
    out += "</tbody>\n</table>\n</details>\n</section>\n";
}

bool is_venue_finding(std::string_view kind) {
    return kind == "stale_venue" || kind == "venue_mismatch" || kind == "year_mismatch";
}

// The role of `t`'s link in the entry's own row; a target shared by several rows may
// play different roles in each.
std::string role_in_row(const TargetRecord& t, const EntryRecord& e) {
    for (const auto& o : t.occurrences)
        if (o.line == e.line) return o.role;
    return t.occurrences.empty() ? "other" : t.occurrences.front().role;
}

void render_entries(Page& page, const Snapshot& s) {
    std::string& out = page.text;
    const TargetIndex by_url(&s);
    std::unordered_map<std::string_view, std::vector<const FindingRecord*>> venue_findings;
    for (const auto& f : s.findings)
        if (is_venue_finding(f.kind)) venue_findings[f.url].push_back(&f);

    out += "<section id=\"all-entries\">\n<h2>All entries</h2>\n";
    out += "<div id=\"controls\" hidden><label>Filter <input id=\"filter\" type=\"search\" "
           "placeholder=\"title, venue, section, verdict\u2026\" autocomplete=\"off\"></label>";
    fmt::format_to(std::back_inserter(out), "<span id=\"count\" aria-live=\"polite\">{} entries</span></div>\n",
                   s.entries.size());
    out += "<table id=\"entries\">\n<thead><tr><th class=\"num\" data-type=\"num\" data-key=\"line\">Line</th>"
           "<th data-key=\"section\">Section</th><th data-key=\"abbr\">Abbr.</th><th data-key=\"title\">Title</th>"
           "<th data-key=\"venue\">Venue</th><th data-key=\"paper\">Paper</th><th data-key=\"code\">Code</th>"
           "<th class=\"num\" data-type=\"num\" data-key=\"stars\">Stars</th>"
           "<th data-key=\"commit\">Last commit</th></tr></thead>\n<tbody>\n";
    for (const EntryRecord& e : s.entries) {
        std::string paper, code, venue_notes;
        const RepoMeta* repo = nullptr;
        std::vector<std::string_view> seen;
        for (const std::string& url : e.urls) {
            if (std::find(seen.begin(), seen.end(), url) != seen.end()) continue;
            seen.push_back(url);
            const TargetRecord* t = by_url.find(url);
            const std::string role = t ? role_in_row(*t, e) : "other";
            if (role == "image") continue;
            // One link per line, its role named when the column does not say it.
            std::string& cell = role == "paper" ? paper : code;
            cell += "<span class=\"lk\">" + badge(url, t, role == "paper" || role == "code" ? "" : role) + "</span>";
            if (t && t->repo && (repo == nullptr || role == "code")) repo = &*t->repo;
            if (const auto vf = venue_findings.find(url); vf != venue_findings.end())
                for (const FindingRecord* f : vf->second) {
                    venue_notes += fmt::format("<div class=\"evidence\">\u26A0 {}", html_escape(f->message));
                    if (!f->evidence.empty()) venue_notes += " \u2014 " + text_with_link(f->evidence);
                    venue_notes += "</div>";
                }
        }
        std::string venue = html_escape(e.venue);
        if (e.year != 0) venue += fmt::format("{}{}", e.venue.empty() ? "" : " ", e.year);
        std::string stars, stars_key, commit;
        if (repo) {
            stars = fmt::format("{}", repo->stars);
            stars_key = stars;
            if (repo->archived) stars += "<span class=\"tag\">archived</span>";
            commit = html_escape(day(repo->last_commit_at.empty() ? repo->pushed_at : repo->last_commit_at));
        }
        fmt::format_to(std::back_inserter(out),
                       "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
                       "<td data-sort=\"{:04d} {}\">{}{}</td><td>{}</td><td>{}</td>"
                       "<td class=\"num\" data-sort=\"{}\">{}</td><td>{}</td></tr>\n",
                       e.line, html_escape(e.section), html_escape(e.abbreviation), html_escape(e.title), e.year,
                       html_escape(e.venue), venue, venue_notes, paper, code, stars_key, stars, commit);
        page.spill();
    }
    out += "</tbody>\n</table>\n</section>\n";
}

void render_findings(Page& page, const Snapshot& s) {
    std::string& out = page.text;
    if (s.findings.empty()) return;
    fmt::format_to(std::back_inserter(out),
                   "<section id=\"findings\">\n<details><summary>All findings ({})</summary>\n<table>\n"
                   "<thead><tr><th class=\"num\">Line</th><th>Severity</th><th>Kind</th><th>Entry</th>"
                   "<th>Message</th><th>Link</th></tr></thead>\n<tbody>\n",
                   s.findings.size());
    for (const auto& f : s.findings) {
        std::string message = html_escape(f.message);
        if (!f.evidence.empty()) message += " \u2014 " + text_with_link(f.evidence);
        fmt::format_to(std::back_inserter(out),
                       "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                       f.line, html_escape(f.severity), html_escape(f.kind), html_escape(f.entry), message,
                       url_link(f.url));
        page.spill();
    }
    out += "</tbody>\n</table>\n</details>\n</section>\n";
}

void render_hosts(Page& page, const Snapshot& s) {
    std::string& out = page.text;
    if (s.hosts.empty()) return;
    fmt::format_to(std::back_inserter(out),
                   "<section id=\"hosts\">\n<details><summary>Hosts ({})</summary>\n<table>\n"
                   "<thead><tr><th>Host</th><th class=\"num\">Links</th><th class=\"num\">Requests</th>"
                   "<th class=\"num\">Rate limited</th><th class=\"num\">Slowest</th>"
                   "<th class=\"num\">Connection failures</th></tr></thead>\n<tbody>\n",
                   s.hosts.size());
    for (const auto& h : s.hosts) {
        fmt::format_to(std::back_inserter(out),
                       "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>"
                       "<td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
                       html_escape(h.host), h.targets, h.requests, h.rate_limited,
                       html_escape(format_duration(h.slowest.count())), h.connection_failures);
        page.spill();
    }
    out += "</tbody>\n</table>\n</details>\n</section>\n";
}

}  // namespace

std::string render_html(const Snapshot& s, const Diff& d) {
    return collect_text([&](TextSink& out) { write_html(s, d, out); });
}

void write_html(const Snapshot& s, const Diff& d, TextSink& sink) {
    Page page(sink);
    std::string& out = page.text;
    const std::string source = s.list_source.empty() ? d.list_source : s.list_source;
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    // Defence in depth: even markup that slipped through escaping could load nothing and
    // run nothing; only this page's own script and style sheet (by hash) are allowed.
    fmt::format_to(std::back_inserter(out),
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                   "script-src 'sha256-{}'; style-src 'sha256-{}'; base-uri 'none'; form-action 'none'\">\n",
                   sha256_base64(script_text), sha256_base64(style_sheet));
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light dark\">\n";
    fmt::format_to(std::back_inserter(out), "<title>Link health: {}</title>\n<style>{}</style>\n</head>\n<body>\n",
                   html_escape(mask_credentials(source)), style_sheet);
    render_header(out, s, d);
    out += "<main>\n";
    render_diff(page, d);
    render_cards(out, s);
    render_trend(out, s);
    render_entries(page, s);
    render_findings(page, s);
    render_hosts(page, s);
    out += "</main>\n";
    fmt::format_to(std::back_inserter(out), "<footer>{} \u00B7 list sha256 {}</footer>\n",
                   html_escape(s.tool.empty() ? "awesome-health" : s.tool), html_escape(s.list_sha256));
    fmt::format_to(std::back_inserter(out), "<script>{}</script>\n</body>\n</html>\n", script_text);
    page.finish();
}

}  // namespace ah
