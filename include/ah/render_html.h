// The HTML report (reports/index.html): one self-contained page with the diff, summary
// cards, the trend chart and a filterable, sortable table of every entry.
#pragma once

#include <string>
#include <string_view>

#include "ah/diff.h"
#include "ah/snapshot.h"
#include "ah/text_sink.h"

namespace ah {

// The whole page. Self-contained: inline CSS, inline SVG and one inline script, no
// request to any other host; a Content-Security-Policy pins the script and the style by
// hash, so injected markup could not run even if escaping failed. Complete without
// JavaScript (every entry is in a static table); the script adds filtering (a text box,
// or `#filter=term` / `?q=term` in the address), sorting by column and "showing N of M".
// It marks <body data-js-ok="1"> when it ran, data-js-error="..." when it failed.
// Deterministic: no clock is read, so the same inputs give the same bytes.
std::string render_html(const Snapshot& snapshot, const Diff& diff);
// The same page, handed to `out` in pieces (about 600 bytes per entry).
void write_html(const Snapshot& snapshot, const Diff& diff, TextSink& out);

// Untrusted text made safe for HTML text and quoted attribute values: & < > " ' are
// escaped, control characters other than tab and newline become spaces.
std::string html_escape(std::string_view text);

// May this URL become an href? Only http:// and https:// URLs (any case) with a host
// and no white space or control characters; everything else is rendered as text.
bool is_linkable_url(std::string_view url);

}  // namespace ah
