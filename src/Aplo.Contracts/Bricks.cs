using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>Optional body of POST /bricks/to-evict/{id}.</summary>
public sealed record BrickEvictRequest
{
    [JsonPropertyName("healcheck")]
    public string? HealCheck { get; init; }
}
