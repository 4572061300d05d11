// Fuzz target: the configuration loader (parse_config, the text behind load_config), the
// --set overrides and the venue alias table. Any TOML gives a Config or an Error naming the
// file; nothing throws out of the loader.
#include "ah/config.h"
#include "ah/venue.h"
#include "support/fuzz_support.h"

using ah::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text = ah::fuzz::as_text(data, size);
    auto config = ah::parse_config(text, "fuzz.toml");
    if (config) {
        // The first line again, as `--set KEY=VALUE`, over what the file gave.
        const std::string assignment(ah::fuzz::split_first_line(text).head);
        if (auto s = ah::apply_overrides(*config, {assignment}); !s)
            check(!s.error().message.empty(), "config: an override error says what is wrong");
    } else {
        check(config.error().where.file == "fuzz.toml", "config: the error names the file",
              config.error().to_string());
        check(!config.error().message.empty(), "config: the error says what is wrong");
    }
    if (auto aliases = ah::parse_venue_aliases(text, "fuzz.toml"); !aliases)
        check(!aliases.error().message.empty(), "venues: the error says what is wrong");
    return 0;
}
