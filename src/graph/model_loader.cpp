// Model loading: read-only mmap of a path, or a caller-owned buffer. Nothing is copied.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>

#include "graph/model_format.h"
#include "graph/model_impl.h"

namespace octet {

Model::Impl::~Impl() {
  if (mapping) munmap(mapping, mapping_size);
}

Model::Model(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Model::~Model() = default;

Status Model::load_buffer(const void* data, size_t size, std::shared_ptr<const Model>* out) {
  if (!out) return Status(StatusCode::kInvalidArgument, "load_buffer: null output");
  out->reset();
  if (!data) return Status(StatusCode::kInvalidArgument, "load_buffer: null data");
  if (reinterpret_cast<uintptr_t>(data) % graph::kMinBaseAlignment != 0)
    return Status(StatusCode::kInvalidArgument,
                  "load_buffer: model buffer must be aligned to 8 bytes (64 recommended)");
  try {
    auto impl = std::make_unique<Impl>();
    impl->base = static_cast<const uint8_t*>(data);
    impl->size = size;
    Status st = graph::parse_and_validate(impl.get());
    if (!st.ok()) return st;
    out->reset(new Model(std::move(impl)));
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kOutOfMemory, "out of memory while loading the model");
  } catch (...) {
    return Status(StatusCode::kInternal, "unexpected exception while loading the model");
  }
}

Status Model::load_file(const std::string& path, std::shared_ptr<const Model>* out) {
  if (!out) return Status(StatusCode::kInvalidArgument, "load_file: null output");
  out->reset();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(StatusCode::kIoError, "cannot open " + path + ": " + std::strerror(errno));
  struct stat sb;
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    ::close(fd);
    return Status(StatusCode::kIoError, path + " is not a regular file");
  }
  const size_t size = static_cast<size_t>(sb.st_size);
  if (size == 0) {
    ::close(fd);
    return Status(StatusCode::kInvalidModel, "invalid model: " + path + " is empty");
  }
  void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (p == MAP_FAILED) return Status(StatusCode::kIoError, "cannot mmap " + path + ": " + std::strerror(err));
  try {
    auto impl = std::make_unique<Impl>();
    impl->mapping = p;
    impl->mapping_size = size;
    impl->base = static_cast<const uint8_t*>(p);
    impl->size = size;
    Status st = graph::parse_and_validate(impl.get());
    if (!st.ok()) return Status(st.code(), st.message() + " (" + path + ")");
    out->reset(new Model(std::move(impl)));
    return Status::Ok();
  } catch (const std::bad_alloc&) {
    return Status(StatusCode::kOutOfMemory, "out of memory while loading the model");
  } catch (...) {
    return Status(StatusCode::kInternal, "unexpected exception while loading the model");
  }
}

}  // namespace octet
