#ifndef DEALHOOK_COPENSSL_SHIM_H
#define DEALHOOK_COPENSSL_SHIM_H
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/x509v3.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

/// `SSL_CTX_set_min_proto_version` is a macro over `SSL_CTX_ctrl`.
static inline long dealhook_SSL_CTX_set_min_proto_version(SSL_CTX *ctx, int version) {
    return SSL_CTX_set_min_proto_version(ctx, version);
}

/// `SSL_set_tlsext_host_name` (SNI) is a macro over `SSL_ctrl`.
static inline long dealhook_SSL_set_tlsext_host_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

/// Whether an error code is OpenSSL 3's "unexpected EOF while reading" (peer closed without close_notify);
/// `ERR_GET_LIB`/`ERR_GET_REASON` are macros or inline functions depending on the OpenSSL version.
static inline int dealhook_ERR_is_unexpected_eof(unsigned long code) {
    return ERR_GET_LIB(code) == ERR_LIB_SSL && ERR_GET_REASON(code) == SSL_R_UNEXPECTED_EOF_WHILE_READING;
}
/// Keys an HMAC context: `EVP_MAC_init` with the digest named `digest` ("SHA256"), whose parameter list is
/// awkward to build from Swift.
static inline int dealhook_EVP_MAC_init_hmac(EVP_MAC_CTX *ctx, const unsigned char *key, size_t key_length,
                                             const char *digest) {
    OSSL_PARAM params[2] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0),
        OSSL_PARAM_construct_end(),
    };
    return EVP_MAC_init(ctx, key, key_length, params);
}
#endif
