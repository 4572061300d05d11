// Deterministic generator of large awesome-style lists (see list_generator.h).
#include "support/list_generator.h"

#include <fmt/format.h>

namespace ah::testing {

std::string generate_list(std::size_t target_bytes, GeneratedListShape* shape, std::size_t hosts) {
    std::string out;
    out.reserve(target_bytes + 4096);
    GeneratedListShape counts;
    out += "# Generated list\n\n## Table of Contents\n- [Section 0](#section-0)\n\n";
    counts.links += 1;
    static constexpr const char* venues[] = {"TGRS", "Arxiv", "CVPR", "NeurIPS", "JSTARS", "ICCV", "-"};
    std::size_t row = 0;
    std::size_t section = 0;
    while (out.size() < target_bytes) {
        out += fmt::format("\n## Section {}\n\n|Abbreviation|Title|Publication|Paper|Code & Weights|\n"
                           "|:---:|---|:---:|:---:|:---:|\n",
                           section++);
        for (int i = 0; i < 500 && out.size() < target_bytes; ++i, ++row) {
            const char* venue = venues[row % 7];
            const int year = 2018 + static_cast<int>(row % 7);
            std::string paper;
            switch (row % 4) {
                case 0: paper = fmt::format("https://arxiv.org/abs/{:02}{:02}.{:05}", 18 + row % 7, 1 + row % 12, row % 100000); break;
                case 1: paper = fmt::format("https://ieeexplore.ieee.org/abstract/document/{}", 9000000 + row); break;
                case 2: paper = fmt::format("https://openaccess.thecvf.com/content/CVPR{}/html/Paper_{}_CVPR_paper.html", year, row); break;
                default: paper = fmt::format("https://arxiv.org/pdf/{:02}{:02}.{:05}v2", 18 + row % 7, 1 + row % 12, row % 100000); break;
            }
            std::string code;
            switch (row % 5) {
                case 0: code = "null"; break;
                case 1: code = fmt::format("[link](https://huggingface.co/org{}/model{})", row % 97, row); break;
                case 2: code = fmt::format("[link](https://project{}.example.org/p/{})", row % hosts, row); break;
                default: code = fmt::format("[link](https://github.com/owner{}/repo-{})", row % 1000, row); break;
            }
            out += fmt::format("|**M{}**|**Model {}: A Foundation Model for Remote Sensing Number {}**|{}{}|[M{}]({})|{}|\n",
                               row, row, row, venue, venue[0] == '-' ? 0 : year, row, paper, code);
            counts.rows += 1;
            counts.links += code == "null" ? 1 : 2;
        }
    }
    if (shape != nullptr) *shape = counts;
    return out;
}

}  // namespace ah::testing
