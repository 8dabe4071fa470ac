// Image files for octet-run: decode (JPEG, PNG, BMP, ... through stb_image, header-only so it
// cross-compiles), convert to the model's channel count, resize so the shorter side fits and
// centre-crop to the model's H x W (the policy qconvert uses for calibration images).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet::tools {

// channels: 1 (grayscale), 3 (RGB) or 4 (RGBA). On failure returns false with a message naming
// the file and the reason.
bool load_image_hwc(const std::string& path, int height, int width, int channels,
                    std::vector<uint8_t>* out, std::string* error);

}  // namespace octet::tools
