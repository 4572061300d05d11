// Fuzz target: the diff.json reader (diff_from_json, used by the issue command). Bad input
// is an Error naming the file; a diff that was read writes back to JSON that reads again to
// the same JSON; its Markdown and the issue comment keep diff.md's promises.
#include "ah/diff_reader.h"
#include "ah/github_issue.h"
#include "support/fuzz_support.h"
#include "support/markdown_properties.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto diff = ah::diff_from_json(ah::fuzz::as_text(data, size), "fuzz.json");
    if (!ah::fuzz::check_read_write_read(diff, "fuzz.json", ah::diff_from_json, ah::diff_to_json,
                                         "diff_reader: errors name the file; write, read, write is stable"))
        return 0;

    ah::fuzz::check_diff_markdown(ah::issue_body(*diff), false);
    constexpr std::size_t small_limit = 1500;
    const std::string cut = ah::issue_body(*diff, small_limit);
    check(cut.size() <= small_limit, "diff_reader: the issue body keeps its size limit", cut);
    ah::fuzz::check_diff_markdown(cut, true);
    ah::fuzz::check_new_items_comment(ah::new_items_comment(*diff), false);
    return 0;
}
