# Common settings for every sasgsim target: warnings on, and (for targets that use
# LibTorch) a precompiled <torch/torch.h>, which otherwise costs ~15 s per source file.
function(sasgsim_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
endfunction()

function(sasgsim_torch_target target)
  sasgsim_warnings(${target})
  # Torch's exported flags include -D_GLIBCXX_USE_CXX11_ABI; keep them on every torch target.
  target_link_libraries(${target} PUBLIC ${TORCH_LIBRARIES})
  target_precompile_headers(${target} PRIVATE <torch/torch.h>)
endfunction()
