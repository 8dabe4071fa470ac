// Image files for the tools and the converter: decode (JPEG, PNG, BMP, ... through stb_image,
// header-only and compiled privately so it cross-compiles), convert to the wanted channel count,
// resize so the shorter side fits and centre-crop to H x W. Not part of the runtime library.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet::image {

// HWC pixels, channels 1 (gray), 3 (RGB) or 4 (RGBA). A file that already is H x W is copied
// as is (a resampling filter at scale 1 is not the identity: calibration, evaluation and
// octet-run all see the same pixels). False with the reason (without the file name) in *error
// when the file cannot be decoded.
bool load_image_hwc(const std::string& path, int height, int width, int channels,
                    std::vector<uint8_t>* out, std::string* error);

// True when the file's header is that of an image stb_image can decode (nothing is decoded).
bool is_image_file(const std::string& path);

}  // namespace octet::image
