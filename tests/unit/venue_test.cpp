// Tests for venue inference on real-looking arXiv comments, journal references and DOIs,
// the shipped alias table, the venue findings and title similarity.
#include <catch2/catch.hpp>

#include "ah/venue.h"

using ah::ArxivPaper;
using ah::compare_venue;
using ah::infer_venue;
using ah::InferredVenue;
using ah::parse_publication;
using ah::title_similarity;
using ah::VenueAliases;
using ah::VenueFindingKind;

namespace {

const VenueAliases& table() {
    static const VenueAliases aliases = [] {
        auto loaded = ah::load_venue_aliases(std::string(AH_SOURCE_DIR) + "/data/venues.toml");
        if (!loaded) FAIL(loaded.error().to_string());
        return std::move(loaded).value();
    }();
    return aliases;
}

std::optional<InferredVenue> from_comment(std::string comment) {
    ArxivPaper p;
    p.comment = std::move(comment);
    return infer_venue(p, table());
}

std::optional<InferredVenue> from_ref(std::string ref) {
    ArxivPaper p;
    p.journal_ref = std::move(ref);
    return infer_venue(p, table());
}

std::string venue_year(const std::optional<InferredVenue>& v) {
    if (!v) return "(none)";
    return v->year ? v->venue + " " + std::to_string(v->year) : v->venue;
}

}  // namespace

TEST_CASE("the shipped alias table loads and maps written forms to canonical names", "[venue]") {
    const auto& t = table();
    CHECK(t.size() >= 30);
    CHECK(t.canonical("Conference on Computer Vision and Pattern Recognition") == "CVPR");
    CHECK(t.canonical("IEEE Transactions on Geoscience and Remote Sensing") == "TGRS");
    CHECK(t.canonical("Advances in Neural Information Processing Systems") == "NeurIPS");
    CHECK(t.canonical("NIPS") == "NeurIPS");
    CHECK(t.canonical("IEEE TGRS") == "TGRS");
    CHECK(t.canonical("ISPRS J.") == "ISPRS J.");
    CHECK(t.canonical("RS") == "Remote Sensing");
    CHECK(t.canonical("Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition") == "CVPR");
    CHECK_FALSE(t.canonical("Journal of Nothing"));
    CHECK(t.venue_for_doi("10.1109/TGRS.2023.3321234") == "TGRS");
    CHECK(t.venue_for_doi("10.1109/JSTARS.2024.1") == "JSTARS");
    CHECK(t.venue_for_doi("10.1109/LGRS.2022.1") == "GRSL");
    CHECK(t.venue_for_doi("10.1109/MGRS.2023.1") == "GRSM");
    CHECK(t.venue_for_doi("10.1109/TPAMI.2023.1") == "TPAMI");
    CHECK(t.venue_for_doi("10.3390/rs15051234") == "Remote Sensing");
    CHECK(t.venue_for_doi("10.1016/j.isprsjprs.2023.01.001") == "ISPRS J.");
    CHECK(t.venue_for_doi("10.1016/j.rse.2023.113678") == "RSE");
    CHECK(t.venue_for_doi("10.1016/j.jag.2024.103") == "JAG");
    CHECK(t.venue_for_doi("10.1109/CVPRW59228.2023.00123") == "CVPRW");  // longest prefix
    CHECK(t.venue_for_doi("10.1109/CVPR52729.2023.00123") == "CVPR");
    CHECK_FALSE(t.venue_for_doi("10.48550/arXiv.2311.15153"));
}

TEST_CASE("alias tables: errors name the place, later entries win", "[venue]") {
    const auto bad = ah::parse_venue_aliases("[venue.X]\nkind = \"planet\"\n", "v.toml");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().where.file == "v.toml");
    CHECK(bad.error().where.line == 2);
    CHECK_FALSE(ah::parse_venue_aliases("[venue.X]\nalias = [\"x\"]\n", "v.toml"));  // unknown key
    CHECK_FALSE(ah::parse_venue_aliases("not toml = = =", "v.toml"));
    CHECK_FALSE(ah::load_venue_aliases("/nonexistent/venues.toml"));

    VenueAliases merged = table();
    VenueAliases extra;
    extra.add_alias("Geosci. Lett.", "GRSL");
    extra.add_alias("EarthVision", "CVPRW");
    merged.merge(extra);
    CHECK(merged.canonical("Geosci. Lett.") == "GRSL");
    CHECK(merged.canonical("CVPR") == "CVPR");
    ArxivPaper p;
    p.comment = "Accepted at EarthVision 2024";
    CHECK(venue_year(infer_venue(p, merged)) == "CVPRW 2024");
}

TEST_CASE("acceptance in comments: venue and the year written next to it", "[venue]") {
    CHECK(venue_year(from_comment("Accepted to CVPR 2024")) == "CVPR 2024");
    CHECK(venue_year(from_comment("Accepted by IEEE TGRS")) == "TGRS");
    CHECK(venue_year(from_comment("accepted at ICLR 2024 as a poster")) == "ICLR 2024");
    CHECK(venue_year(from_comment("To appear in ICCV 2023")) == "ICCV 2023");
    CHECK(venue_year(from_comment("NeurIPS 2023 (Spotlight)")) == "NeurIPS 2023");
    CHECK(venue_year(from_comment("IEEE TGRS")) == "TGRS");
    CHECK(venue_year(from_comment("Published in IEEE Transactions on Geoscience and Remote Sensing")) == "TGRS");
    CHECK(venue_year(from_comment("This paper has been accepted for publication in IEEE Journal of Selected Topics "
                                  "in Applied Earth Observations and Remote Sensing")) == "JSTARS");
    CHECK(venue_year(from_comment("Accepted by ISPRS Journal of Photogrammetry and Remote Sensing")) == "ISPRS J.");
    CHECK(venue_year(from_comment("Camera-ready version for ECCV'24; 14 pages")) == "ECCV 2024");
    CHECK(venue_year(from_comment("Accepted by AAAI-24")) == "AAAI 2024");
    CHECK(venue_year(from_comment("12 pages, 6 figures, accepted at WACV 2025")) == "WACV 2025");
    CHECK(venue_year(from_comment("Accepted as an oral presentation at the Twelfth International Conference on "
                                  "Learning Representations (ICLR 2024)")) == "ICLR 2024");
    CHECK(venue_year(from_comment("Accepted to NeurIPS 2023 Datasets and Benchmarks Track")) == "NeurIPS 2023");
    CHECK(venue_year(from_comment("IGARSS 2024")) == "IGARSS 2024");
    CHECK(venue_year(from_comment("Accepted by GRSL")) == "GRSL");
    CHECK(venue_year(from_comment("Accepted in Remote Sensing (MDPI)")) == "Remote Sensing");
    CHECK(venue_year(from_comment("Accepted by Remote Sensing")) == "Remote Sensing");
    CHECK(venue_year(from_comment("ICML 2024 (oral). Code: https://github.com/x/y")) == "ICML 2024");
    CHECK(venue_year(from_comment("Accepted by NIPS 2017")) == "NeurIPS 2017");
}

TEST_CASE("workshops are their own venue", "[venue]") {
    CHECK(venue_year(from_comment("Accepted at the EarthVision workshop, CVPR 2024")) == "CVPRW 2024");
    CHECK(venue_year(from_comment("CVPR 2023 Workshop on Foundation Models")) == "CVPRW 2023");
    CHECK(venue_year(from_comment("Accepted by CVPRW 2023")) == "CVPRW 2023");
    CHECK(venue_year(from_comment("ICLR 2024 ML4RS Workshop")) == "ICLRW 2024");
    CHECK(venue_year(from_comment("NeurIPS 2023 Workshop on Tackling Climate Change with ML")) == "NeurIPSW 2023");
}

TEST_CASE("no venue: page counts, submissions, reviews, extensions, URLs", "[venue]") {
    CHECK_FALSE(from_comment("12 pages, 5 figures"));
    CHECK_FALSE(from_comment("comments: 12 pages, 5 figures, 3 tables"));
    CHECK_FALSE(from_comment("Submitted to TGRS"));
    CHECK_FALSE(from_comment("Submitted to IEEE TGRS; 14 pages"));
    CHECK_FALSE(from_comment("Under review at NeurIPS"));
    CHECK_FALSE(from_comment("NeurIPS 2024 (under review)"));
    CHECK_FALSE(from_comment("Manuscript in submission to ISPRS Journal of Photogrammetry and Remote Sensing"));
    CHECK_FALSE(from_comment("Extended version of our CVPR 2023 paper"));
    CHECK_FALSE(from_comment("Winning solution of the CVPR 2023 EarthVision challenge"));
    CHECK_FALSE(from_comment("Code: https://github.com/example/cvpr2024-foundation"));
    CHECK_FALSE(from_comment("A remote sensing foundation model; work in progress"));
    CHECK_FALSE(from_comment("Trained with ResNet50 backbones"));
    CHECK_FALSE(from_comment(""));
    // Negative for one mention, positive for the next.
    CHECK(venue_year(from_comment("Accepted by CVPR 2024. Extended version submitted to TPAMI")) == "CVPR 2024");
    CHECK(venue_year(from_comment("Extended version of our ICCV 2023 paper, accepted to TPAMI")) == "TPAMI");
    CHECK(venue_year(from_comment("Submitted to TGRS; accepted at IGARSS 2023")) == "IGARSS 2023");
}

TEST_CASE("journal references, DOIs and their precedence", "[venue]") {
    CHECK(venue_year(from_ref("IEEE Transactions on Geoscience and Remote Sensing, 2023, 61: 1-16")) == "TGRS 2023");
    CHECK(venue_year(from_ref("Remote Sens. 2023, 15(5), 1234")) == "Remote Sensing 2023");
    CHECK(venue_year(from_ref("Remote Sensing 15 (2023) 1234")) == "Remote Sensing 2023");
    CHECK(venue_year(from_ref("Remote Sensing of Environment, 295, 113678 (2023)")) == "RSE 2023");
    CHECK(venue_year(from_ref("ISPRS Journal of Photogrammetry and Remote Sensing 196 (2023) 178-196")) ==
          "ISPRS J. 2023");
    CHECK(venue_year(from_ref("International Journal of Applied Earth Observation and Geoinformation, 2024")) ==
          "JAG 2024");
    CHECK(venue_year(from_ref("Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition "
                              "(CVPR), 2023, pp. 1234-1243")) == "CVPR 2023");
    CHECK(venue_year(from_ref("Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition "
                              "(CVPR) Workshops, 2023, pp. 2000-2010")) == "CVPRW 2023");
    const auto unknown = from_ref("Nature Machine Intelligence 5, 1-12 (2023)");
    REQUIRE(unknown);
    CHECK(unknown->venue == "Nature Machine Intelligence");
    CHECK(unknown->year == 2023);
    CHECK_FALSE(unknown->recognised);
    CHECK(unknown->source == "journal_ref");

    ArxivPaper p;
    p.doi = "10.1109/TGRS.2024.3361234";
    p.comment = "Accepted to IGARSS 2023";
    auto v = infer_venue(p, table());
    REQUIRE(v);
    CHECK(venue_year(v) == "TGRS 2024");
    CHECK(v->source == "doi");
    CHECK(v->evidence == "10.1109/TGRS.2024.3361234");
    p.journal_ref = "IEEE Geoscience and Remote Sensing Letters, vol. 20, 2023";
    v = infer_venue(p, table());
    CHECK(venue_year(v) == "GRSL 2023");
    CHECK(v->source == "journal_ref");
    ArxivPaper mdpi;
    mdpi.doi = "10.3390/rs15051234";
    mdpi.journal_ref = "Remote Sens. 2023, 15(5), 1234";
    CHECK(venue_year(infer_venue(mdpi, table())) == "Remote Sensing 2023");
    ArxivPaper comment_only;
    comment_only.comment = "Accepted by IEEE TGRS";
    comment_only.journal_ref = "";
    CHECK(infer_venue(comment_only, table())->source == "comment");
}

TEST_CASE("same_venue compares canonical names", "[venue]") {
    CHECK(ah::same_venue("NeurIPS", "NIPS", table()));
    CHECK(ah::same_venue("IEEE TGRS", "TGRS", table()));
    CHECK(ah::same_venue("RS", "Remote Sensing", table()));
    CHECK(ah::same_venue("ISPRS", "ISPRS J.", table()));
    CHECK_FALSE(ah::same_venue("CVPR", "CVPRW", table()));
    CHECK_FALSE(ah::same_venue("TGRS", "GRSL", table()));
    CHECK(ah::same_venue("Some Journal", "some journal", table()));
}

TEST_CASE("compare_venue: stale, mismatched and year-mismatched venues", "[venue]") {
    InferredVenue cvpr{"CVPR", 2024, "Accepted to CVPR 2024", "comment", true};
    auto stale = compare_venue(parse_publication("Arxiv2023"), cvpr, table());
    REQUIRE(stale.size() == 1);
    CHECK(stale[0].kind == VenueFindingKind::stale_venue);
    CHECK_THAT(stale[0].message, Catch::Contains("Accepted to CVPR 2024") && Catch::Contains("Arxiv2023"));
    CHECK(stale[0].evidence == "Accepted to CVPR 2024");

    CHECK(compare_venue(parse_publication("CVPR2024"), cvpr, table()).empty());
    CHECK(compare_venue(parse_publication("Arxiv2023"), std::nullopt, table()).empty());
    CHECK(compare_venue(parse_publication("-"), cvpr, table()).empty());

    auto mismatch = compare_venue(parse_publication("ICCV2023"), cvpr, table());
    REQUIRE(mismatch.size() == 1);
    CHECK(mismatch[0].kind == VenueFindingKind::venue_mismatch);
    CHECK(compare_venue(parse_publication("CVPRW2024"), cvpr, table())[0].kind == VenueFindingKind::venue_mismatch);

    auto year = compare_venue(parse_publication("CVPR2023"), cvpr, table());
    REQUIRE(year.size() == 1);
    CHECK(year[0].kind == VenueFindingKind::year_mismatch);
    CHECK(compare_venue(parse_publication("CVPR"), cvpr, table()).empty());  // no year listed

    InferredVenue neurips{"NeurIPS", 2023, "NIPS 2023", "comment", true};
    CHECK(compare_venue(parse_publication("NIPS2023"), neurips, table()).empty());
    InferredVenue iclr_w{"ICLRW", 2024, "ICLR 2024 ML4RS Workshop", "comment", true};
    CHECK(compare_venue(parse_publication("ICLR 2024 ML4RS Workshop"), iclr_w, table()).empty());
    InferredVenue tgrs{"TGRS", 2022, "10.1109/TGRS.2022.1", "doi", true};
    CHECK(compare_venue(parse_publication("IEEE TGRS2022"), tgrs, table()).empty());
    CHECK(compare_venue(parse_publication("RS2022"), tgrs, table())[0].kind == VenueFindingKind::venue_mismatch);
    // An unknown journal is only reported against a preprint listing.
    InferredVenue unknown{"Nature Machine Intelligence", 2023, "Nature Machine Intelligence 5 (2023)", "journal_ref", false};
    CHECK(compare_venue(parse_publication("TGRS2023"), unknown, table()).empty());
    CHECK(compare_venue(parse_publication("Arxiv2022"), unknown, table())[0].kind == VenueFindingKind::stale_venue);
}

TEST_CASE("title similarity after normalising case, punctuation and LaTeX", "[venue]") {
    const std::string t = "SatMAE: Pre-training Transformers for Temporal and Multi-Spectral Satellite Imagery";
    CHECK(title_similarity(t, t) == Approx(1.0));
    CHECK(title_similarity(t, "satmae pre training transformers for temporal and multi spectral satellite imagery") ==
          Approx(1.0));
    CHECK(title_similarity("{S}at{MAE}: \\emph{Pre-training} Transformers for Temporal \\& Multi-Spectral Imagery",
                           "SatMAE: Pre-training Transformers for Temporal and Multi-Spectral Imagery") == Approx(1.0));
    CHECK(title_similarity("$\\mathcal{R}$-Net for Remote Sensing", "R-Net for Remote Sensing") == Approx(1.0));
    CHECK(title_similarity("SatMAE: Pretraining Transformers for Multispectral Satellite Imagery",
                           "SatMAE: Pre-training Transformers for Multi-Spectral Satellite Imagery") > 0.9);
    // A list that keeps only part of the title, or a reworded subtitle, stays above the threshold.
    CHECK(title_similarity("SatMAE: Pre-training Transformers for Temporal and Multi-Spectral Satellite Imagery",
                           "Pre-training Transformers for Temporal and Multi-Spectral Satellite Imagery") >
          ah::title_mismatch_threshold);
    CHECK(title_similarity("RingMo: A Remote Sensing Foundation Model with Masked Image Modeling",
                           "RingMo: A Remote Sensing Foundation Model With Masked Image Modelling") >
          ah::title_mismatch_threshold);
    // Different papers fall below it.
    CHECK(title_similarity(t, "Attention Is All You Need") < ah::title_mismatch_threshold);
    CHECK(title_similarity("Scale-MAE: A Scale-Aware Masked Autoencoder for Multiscale Geospatial Representation Learning",
                           "Segment Anything") < ah::title_mismatch_threshold);
    CHECK(title_similarity("", "") == Approx(1.0));
    CHECK(title_similarity("x", "") == Approx(0.0));
}
