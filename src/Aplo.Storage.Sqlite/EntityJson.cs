using System.Text.Json;
using Aplo.Core.Topology;

namespace Aplo.Storage.Sqlite;

/// <summary>Maps entities to and from their row JSON.</summary>
internal static class EntityJson
{
    public static string Write(EntityKind kind, object entity) => kind switch
    {
        EntityKind.Cluster => JsonSerializer.Serialize((Cluster)entity, StoreJsonContext.Default.Cluster),
        EntityKind.Node => JsonSerializer.Serialize((Node)entity, StoreJsonContext.Default.Node),
        EntityKind.Device => JsonSerializer.Serialize((Device)entity, StoreJsonContext.Default.Device),
        EntityKind.Brick => JsonSerializer.Serialize((Brick)entity, StoreJsonContext.Default.Brick),
        EntityKind.Volume => JsonSerializer.Serialize((Volume)entity, StoreJsonContext.Default.Volume),
        EntityKind.Operation => JsonSerializer.Serialize((PendingOperation)entity, StoreJsonContext.Default.PendingOperation),
        EntityKind.QueueResult => JsonSerializer.Serialize((QueueResult)entity, StoreJsonContext.Default.QueueResult),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static object Read(EntityKind kind, string json) => kind switch
    {
        EntityKind.Cluster => Deserialize(json, StoreJsonContext.Default.Cluster),
        EntityKind.Node => Deserialize(json, StoreJsonContext.Default.Node),
        EntityKind.Device => Deserialize(json, StoreJsonContext.Default.Device),
        EntityKind.Brick => Deserialize(json, StoreJsonContext.Default.Brick),
        EntityKind.Volume => Deserialize(json, StoreJsonContext.Default.Volume),
        EntityKind.Operation => Deserialize(json, StoreJsonContext.Default.PendingOperation),
        EntityKind.QueueResult => Deserialize(json, StoreJsonContext.Default.QueueResult),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static T Deserialize<T>(string json, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
        JsonSerializer.Deserialize(json, info) ?? throw new InvalidDataException($"Row holds null instead of a {typeof(T).Name}");
}
