// Formatting of input errors as "file:line:column: message".
#include "ah/result.h"

#include <fmt/format.h>

namespace ah {

std::string Error::to_string() const {
    std::string out;
    if (!where.file.empty()) {
        out += where.file;
        if (where.line > 0) {
            out += fmt::format(":{}", where.line);
            if (where.column > 0) out += fmt::format(":{}", where.column);
        }
        out += ": ";
    }
    out += message;
    if (!hint.empty()) out += fmt::format(" ({})", hint);
    return out;
}

}  // namespace ah
