// Formatters for `awesome-health dump`: the Catalog as JSON (for machines) or text (for people).
#pragma once

#include <string>

#include "ah/catalog.h"

namespace ah {

std::string catalog_to_json(const Catalog& catalog);
std::string catalog_to_text(const Catalog& catalog);

}  // namespace ah
