// Defaults shared by the configuration and the stages that use them (one definition each).
#pragma once

namespace ah {

inline constexpr int default_github_batch_size = 50;   // repositories per GraphQL query
inline constexpr int default_arxiv_batch_size = 100;   // ids per arXiv API query

}  // namespace ah
