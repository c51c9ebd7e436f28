using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>
/// The one definition of the wire format. Property names match case-insensitively and unknown fields are
/// ignored, because Go's encoding/json (Heketi's) does both and clients depend on it.
/// </summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ClusterCreateRequest))]
[JsonSerializable(typeof(ReconcileResponse))]
[JsonSerializable(typeof(RepairResponse))]
[JsonSerializable(typeof(ClusterInfoResponse))]
[JsonSerializable(typeof(ClusterListResponse))]
[JsonSerializable(typeof(NodeAddRequest))]
[JsonSerializable(typeof(NodeInfoResponse))]
[JsonSerializable(typeof(StateRequest))]
[JsonSerializable(typeof(BrickEvictRequest))]
[JsonSerializable(typeof(TagsChangeRequest))]
[JsonSerializable(typeof(DeviceAddRequest))]
[JsonSerializable(typeof(DeviceDeleteRequest))]
[JsonSerializable(typeof(DeviceInfoResponse))]
[JsonSerializable(typeof(VolumeCreateRequest))]
[JsonSerializable(typeof(VolumeExpandRequest))]
[JsonSerializable(typeof(VolumeInfoResponse))]
[JsonSerializable(typeof(VolumeListResponse))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(OperationsInfo))]
[JsonSerializable(typeof(PendingOperationInfo))]
[JsonSerializable(typeof(PendingOperationListResponse))]
[JsonSerializable(typeof(PendingOperationsCleanRequest))]
[JsonSerializable(typeof(TopologyInfoResponse))]
[JsonSerializable(typeof(TopologyBriefResponse))]
[JsonSerializable(typeof(LogLevelInfo))]
public sealed partial class HeketiJsonContext : JsonSerializerContext;
