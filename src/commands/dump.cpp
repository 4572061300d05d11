// `awesome-health dump`: extraction only, no network; JSON for machines or text for people.
#include <cstdio>

#include "ah/extract.h"
#include "ah/render_catalog.h"
#include "commands/commands.h"

namespace ah {

int run_dump(const GlobalOptions& global, const DumpOptions& options) {
    auto config = load_effective_config(global);
    if (!config) {
        print_error(config.error());
        return exit_usage;
    }
    const std::string source = options.list.empty() ? config->resolve_path(config->list.source) : options.list;
    if (source.find("://") != std::string::npos) {
        print_error(Error{ErrorKind::usage, "dump reads local files only; download the list first", {source, 0, 0}, ""});
        return exit_usage;
    }
    auto text = read_list_file(source, config->list.max_bytes);
    if (!text) {
        print_error(text.error());
        return exit_usage;
    }
    const Catalog catalog = extract_catalog(*text, source);
    const std::string out = options.format == "text" ? catalog_to_text(catalog) : catalog_to_json(catalog);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return std::fflush(stdout) == 0 ? exit_healthy : exit_usage;
}

}  // namespace ah
