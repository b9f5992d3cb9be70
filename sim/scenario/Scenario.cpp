#include "sim/scenario/Scenario.h"

namespace sasgsim {

// Every switch lists all enumerators, so -Wall flags a new one that lacks a name here.

const char* to_string(DeviceKind v) {
  switch (v) {
    case DeviceKind::kAuto: return "auto";
    case DeviceKind::kCpu: return "cpu";
    case DeviceKind::kCuda: return "cuda";
  }
  return "?";
}

const char* to_string(DatasetKind v) {
  switch (v) {
    case DatasetKind::kMnist: return "mnist";
    case DatasetKind::kFashionMnist: return "fashion-mnist";
    case DatasetKind::kCifar10: return "cifar10";
    case DatasetKind::kCifar100: return "cifar100";
    case DatasetKind::kSynthetic: return "synthetic";
  }
  return "?";
}

const char* to_string(PartitionKind v) {
  switch (v) {
    case PartitionKind::kIid: return "iid";
    case PartitionKind::kByDataset: return "by_dataset";
    case PartitionKind::kDirichlet: return "dirichlet";
  }
  return "?";
}

const char* to_string(ModelKind v) {
  switch (v) {
    case ModelKind::kFc512: return "fc512";
    case ModelKind::kResnet18: return "resnet18";
    case ModelKind::kCnn: return "cnn";
  }
  return "?";
}

const char* to_string(AlgorithmKind v) {
  switch (v) {
    case AlgorithmKind::kSgd: return "sgd";
    case AlgorithmKind::kSparse: return "sparse";
    case AlgorithmKind::kLasg: return "lasg";
    case AlgorithmKind::kSasg: return "sasg";
  }
  return "?";
}

const char* to_string(NetworkBackendKind v) {
  switch (v) {
    case NetworkBackendKind::kAnalytic: return "analytic";
    case NetworkBackendKind::kNs3: return "ns3";
  }
  return "?";
}

const char* to_string(FidelityKind v) {
  switch (v) {
    case FidelityKind::kMemo: return "memo";
    case FidelityKind::kExact: return "exact";
  }
  return "?";
}

const char* to_string(TopologyKind v) {
  switch (v) {
    case TopologyKind::kDirect: return "direct";
    case TopologyKind::kSwitch: return "switch";
  }
  return "?";
}

const char* to_string(ScheduleKind v) {
  switch (v) {
    case ScheduleKind::kSequential: return "sequential";
    case ScheduleKind::kConcurrent: return "concurrent";
  }
  return "?";
}

const char* to_string(LrScheduleKind v) {
  switch (v) {
    case LrScheduleKind::kConstant: return "constant";
    case LrScheduleKind::kStep: return "step";
  }
  return "?";
}

const char* to_string(ThresholdLrKind v) {
  switch (v) {
    case ThresholdLrKind::kCurrent: return "current";
    case ThresholdLrKind::kLagged: return "lagged";
  }
  return "?";
}

const char* to_string(TopkScope v) {
  switch (v) {
    case TopkScope::kPerTensor: return "per_tensor";
    case TopkScope::kGlobal: return "global";
  }
  return "?";
}

const char* to_string(ComputeModelKind v) {
  switch (v) {
    case ComputeModelKind::kNone: return "none";
    case ComputeModelKind::kFixed: return "fixed";
    case ComputeModelKind::kMeasured: return "measured";
    case ComputeModelKind::kFlops: return "flops";
  }
  return "?";
}

}  // namespace sasgsim
