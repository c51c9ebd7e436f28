using System.Text.Json.Serialization;
using Aplo.Core.Topology;

namespace Aplo.Storage.Sqlite;

/// <summary>The on-disk JSON of entity rows. Separate from the wire format on purpose: each evolves alone.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Cluster))]
[JsonSerializable(typeof(Node))]
[JsonSerializable(typeof(Device))]
[JsonSerializable(typeof(Brick))]
[JsonSerializable(typeof(Volume))]
[JsonSerializable(typeof(PendingOperation))]
[JsonSerializable(typeof(QueueResult))]
[JsonSerializable(typeof(SortedDictionary<string, string>))]
internal sealed partial class StoreJsonContext : JsonSerializerContext;
