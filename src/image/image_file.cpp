#include "image/image_file.h"

#include <algorithm>
#include <cmath>
#include <memory>

// Private copies of the stb implementations (static functions: no clash with any other stb user).
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBIR_STATIC
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wsign-compare"
#endif
#include "stb_image.h"
#include "stb_image_resize.h"
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace octet::image {

bool load_image_hwc(const std::string& path, int height, int width, int channels,
                    std::vector<uint8_t>* out, std::string* error) {
  if (height < 1 || width < 1 || channels < 1 || channels > 4) {
    *error = "no image size " + std::to_string(height) + "x" + std::to_string(width) + "x" +
             std::to_string(channels);
    return false;
  }
  int iw = 0, ih = 0, file_channels = 0;
  std::unique_ptr<uint8_t, void (*)(void*)> pixels(
      stbi_load(path.c_str(), &iw, &ih, &file_channels, channels), stbi_image_free);
  if (!pixels) {
    const char* why = stbi_failure_reason();
    *error = why ? why : "cannot decode";
    return false;
  }
  if (iw == width && ih == height) {
    out->assign(pixels.get(), pixels.get() + static_cast<size_t>(iw) * ih * channels);
    return true;
  }
  // Shorter side to the crop's matching side (aspect ratio kept), then the centre H x W.
  const double s = std::max(static_cast<double>(width) / iw, static_cast<double>(height) / ih);
  const int rw = std::max(width, static_cast<int>(std::lround(iw * s)));
  const int rh = std::max(height, static_cast<int>(std::lround(ih * s)));
  std::vector<uint8_t> resized(static_cast<size_t>(rw) * rh * channels);
  if (!stbir_resize_uint8(pixels.get(), iw, ih, 0, resized.data(), rw, rh, 0, channels)) {
    *error = "resize failed";
    return false;
  }
  const int x0 = (rw - width) / 2, y0 = (rh - height) / 2;
  out->resize(static_cast<size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y) {
    const uint8_t* src = resized.data() + (static_cast<size_t>(y0 + y) * rw + x0) * channels;
    std::copy(src, src + static_cast<size_t>(width) * channels,
              out->data() + static_cast<size_t>(y) * width * channels);
  }
  return true;
}

bool is_image_file(const std::string& path) {
  int x, y, n;
  return stbi_info(path.c_str(), &x, &y, &n) != 0;
}

}  // namespace octet::image
