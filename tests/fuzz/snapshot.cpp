// Fuzz target: the snapshot reader (parse_snapshot, behind load_snapshot of health.json).
// Bad input is an Error naming the file; a snapshot that was read writes back to JSON that
// reads again to the same JSON; its diff renders to Markdown that keeps diff.md's promises.
#include "ah/diff.h"
#include "ah/render_html.h"
#include "ah/snapshot.h"
#include "support/fuzz_support.h"
#include "support/markdown_properties.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto snapshot = ah::parse_snapshot(ah::fuzz::as_text(data, size), "fuzz.json");
    if (!ah::fuzz::check_read_write_read(snapshot, "fuzz.json", ah::parse_snapshot, ah::snapshot_to_json,
                                         "snapshot: errors name the file; write, read, write is stable"))
        return 0;

    const ah::Diff diff = ah::diff_snapshots(nullptr, *snapshot, ah::DiffPolicy{});
    const std::string md = ah::diff_to_markdown(diff);
    ah::fuzz::check_diff_markdown(md, false);
    (void)ah::render_html(*snapshot, diff);
    return 0;
}
