// DEFLATE (zlib-wrapped, as TIFF stores it) decoded by Debian's libdeflate: a Node-API addon built
// at setup (environment/native.mjs) when gcc and libdeflate-dev are there; decode.ts falls back to
// Node's zlib without it. One call: inflate(bytes, limit) -> the decoded bytes (at most `limit`), or
// null when libdeflate does not decode the stream whole (damaged, cut short, larger than `limit`):
// zlib then decodes it, or says what is wrong, exactly as without the addon.
#include <libdeflate.h>
#include <node_api.h>
#include <stdlib.h>

static void finalize_decompressor(napi_env env, void *data, void *hint) {
  (void)env; (void)hint;
  libdeflate_free_decompressor((struct libdeflate_decompressor *)data);
}

static napi_value inflate(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result, null_value;
  napi_get_null(env, &null_value);
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 2) return null_value;
  napi_typedarray_type type;
  size_t in_length;
  void *in_data;
  napi_value in_buffer;
  size_t in_offset;
  if (napi_get_typedarray_info(env, argv[0], &type, &in_length, &in_data, &in_buffer, &in_offset) != napi_ok || type != napi_uint8_array) return null_value;
  double limit_value;
  if (napi_get_value_double(env, argv[1], &limit_value) != napi_ok || !(limit_value >= 0) || limit_value > 1073741824.0) return null_value;
  size_t limit = (size_t)limit_value;
  struct libdeflate_decompressor *d = NULL;
  napi_get_instance_data(env, (void **)&d);
  if (d == NULL) {
    d = libdeflate_alloc_decompressor();
    if (d == NULL) return null_value;
    napi_set_instance_data(env, d, finalize_decompressor, NULL);  // one per thread (each worker has its env)
  }
  void *out_data;
  napi_value out_buffer;
  if (napi_create_arraybuffer(env, limit, &out_data, &out_buffer) != napi_ok) return null_value;
  size_t actual = 0;
  enum libdeflate_result r = libdeflate_zlib_decompress(d, in_data, in_length, out_data, limit, &actual);
  if (r != LIBDEFLATE_SUCCESS) return null_value;
  if (napi_create_typedarray(env, napi_uint8_array, actual, out_buffer, 0, &result) != napi_ok) return null_value;
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn;
  napi_create_function(env, "inflate", NAPI_AUTO_LENGTH, inflate, NULL, &fn);
  napi_set_named_property(env, exports, "inflate", fn);
  return exports;
}
