// Pooling kernels of the v80 path (pool_impl.h compiled for this target).
#include "kernels/neon/pool_impl.h"

namespace octet::neon::v80 {

void max_pool(const PoolArgs& a) { detail::max_pool_impl(a); }
void avg_pool(const PoolArgs& a) { detail::avg_pool_impl(a); }
void global_avg_pool(const PoolArgs& a) { detail::global_avg_pool_impl(a); }

}  // namespace octet::neon::v80
