// Reads reports/diff.json back into a Diff, so the issue command can sync the tracking issue
// from what `check` wrote without the snapshot that preceded it.
#pragma once

#include <string>
#include <string_view>

#include "ah/diff.h"
#include "ah/result.h"

namespace ah {

// ChangeKind from its diff.json name ("newly_dead", ...); false when unknown.
bool change_kind_from_string(std::string_view name, ChangeKind& kind);

// Parses the document diff_to_json writes. `source` names it in errors ("reports/diff.json").
// Unknown change kinds are an error: a newer tool wrote the file.
Result<Diff> diff_from_json(std::string_view json, const std::string& source);

}  // namespace ah
