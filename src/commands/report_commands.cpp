// `awesome-health diff OLD NEW` and `awesome-health render SNAPSHOT`: the report formats
// from saved snapshots, without any network.
#include <cstdio>

#include "ah/atomic_file.h"
#include "ah/diff.h"
#include "ah/render_html.h"
#include "ah/snapshot.h"
#include "commands/commands.h"

namespace ah {

namespace {

int emit(const std::string& text, const std::string& output) {
    if (output.empty() || output == "-") {
        std::fwrite(text.data(), 1, text.size(), stdout);
        return std::fflush(stdout) == 0 ? exit_healthy : exit_usage;
    }
    if (auto s = write_file_atomically(output, text); !s) {
        print_error(s.error());
        return exit_usage;
    }
    return exit_healthy;
}

std::string render_as(const std::string& format, const Snapshot& now, const Diff& diff) {
    if (format == "json") return diff_to_json(diff);
    if (format == "html") return render_html(now, diff);
    return diff_to_markdown(diff);
}

}  // namespace

int run_diff(const GlobalOptions& global, const DiffOptions& options) {
    auto config = load_effective_config(global);
    if (!config) {
        print_error(config.error());
        return exit_usage;
    }
    auto old_s = load_snapshot(options.old_path);
    if (!old_s) {
        print_error(old_s.error());
        return exit_usage;
    }
    auto new_s = load_snapshot(options.new_path);
    if (!new_s) {
        print_error(new_s.error());
        return exit_usage;
    }
    if (old_s->list_source != new_s->list_source)
        std::fprintf(stderr, "awesome-health: warning: the snapshots are of different lists (%s, %s); comparing by URL\n",
                     old_s->list_source.c_str(), new_s->list_source.c_str());
    const Diff diff = diff_snapshots(&old_s.value(), *new_s,
                                     DiffPolicy{config->history.confirm_after, config->reports.stars_change_percent,
                                                config->reports.stars_change_min});
    return emit(render_as(options.format, *new_s, diff), options.output);
}

int run_render(const GlobalOptions& global, const RenderOptions& options) {
    auto config = load_effective_config(global);
    if (!config) {
        print_error(config.error());
        return exit_usage;
    }
    auto snapshot = load_snapshot(options.snapshot_path);
    if (!snapshot) {
        print_error(snapshot.error());
        return exit_usage;
    }
    if (options.format == "json") return emit(snapshot_to_json(*snapshot), options.output);
    // Without a previous snapshot the report shows the current state.
    const Diff diff = diff_snapshots(nullptr, *snapshot,
                                     DiffPolicy{config->history.confirm_after, config->reports.stars_change_percent,
                                                config->reports.stars_change_min});
    return emit(render_as(options.format, *snapshot, diff), options.output);
}

}  // namespace ah
