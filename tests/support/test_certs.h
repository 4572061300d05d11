// Throwaway test PKI (CA + server leaf) generated with the openssl CLI into a private temp dir.
#pragma once

#include <string>
#include <vector>

namespace ah::testing {

// Host names every generated leaf certificate covers, in addition to `localhost` and the
// IP address 127.0.0.1: the fake hosts tests invent and the real hosts our lists link to,
// so a test can keep real URLs (https://github.com/...) and only redirect the connection.
const std::vector<std::string>& default_tls_names();

struct TestCertsOptions {
    std::vector<std::string> extra_names;  // added to default_tls_names()
    // Sign the leaf with its own key instead of the CA: clients that trust only ca_file()
    // must then fail verification (CURLE_PEER_FAILED_VERIFICATION). For TLS-failure tests.
    bool self_signed_leaf = false;
    int validity_days = 2;
};

// Owns a fresh mkdtemp directory holding ca.pem, leaf.pem (the chain the server presents)
// and leaf.key; the directory is removed in the destructor. Construction runs `openssl`
// through fork/execvp (no shell) and throws std::runtime_error with the tool's stderr
// when it is missing or fails.
class TestCerts {
public:
    explicit TestCerts(const TestCertsOptions& options = {});
    ~TestCerts();
    TestCerts(const TestCerts&) = delete;
    TestCerts& operator=(const TestCerts&) = delete;

    const std::string& dir() const { return dir_; }
    const std::string& ca_file() const { return ca_file_; }      // trust anchor for clients
    const std::string& cert_file() const { return cert_file_; }  // leaf certificate (PEM)
    const std::string& key_file() const { return key_file_; }    // leaf private key (PEM)

private:
    std::string dir_;
    std::string ca_file_;
    std::string cert_file_;
    std::string key_file_;
};

}  // namespace ah::testing
