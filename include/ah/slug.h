// GitHub's heading anchors ("## Remote Sensing <ins>Vision</ins>" -> "remote-sensing-vision").
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace ah {

// The slug of one heading's text content, before de-duplication. Follows github-slugger:
// lower-case, drop punctuation and symbols (emoji, :shortcodes:), each space becomes '-'.
// Non-ASCII letters are kept; Unicode symbol classes are approximated by code point ranges.
std::string github_slug(std::string_view heading_text);

// Hands out unique slugs in document order: "x", then "x-1", "x-2", ... as GitHub does.
class SlugRegistry {
public:
    std::string add(std::string_view heading_text);

private:
    std::map<std::string, int, std::less<>> seen_;
};

}  // namespace ah
