// Helpers of the fixture server's value types.
#include "support/fixture_types.h"

#include <boost/algorithm/string/predicate.hpp>

namespace ah::testing {

std::string RecordedRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (boost::algorithm::iequals(key, name)) return value;
    }
    return {};
}

}  // namespace ah::testing
