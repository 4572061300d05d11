// A small scanner for raw HTML in Markdown: finds href/src attribute values of tags.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace ah {

struct HtmlUrlAttribute {
    std::string tag;        // lower-cased tag name
    std::string attribute;  // "href" or "src"
    std::string value;      // entities decoded
    std::size_t offset = 0; // of the value's first byte within the scanned text
};

// Calls `found` for each href of a/area/link/base and each src of img/source/script/iframe/
// video/audio/embed/track in `html`. Comments are skipped; unterminated tags end the scan.
void scan_html_urls(std::string_view html, const std::function<void(HtmlUrlAttribute)>& found);

// Decodes "&amp;", "&#39;", "&#x2F;" and the few named entities URLs and titles use.
// Unknown entities are kept as written.
std::string decode_html_entities(std::string_view s);

}  // namespace ah
