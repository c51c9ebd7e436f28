using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Aplo.Client;

/// <summary>Signs request tokens as Heketi's Go client does: HS256, iss, iat, exp = now + 5 min, qsh.</summary>
public static class HeketiToken
{
    public static string Create(string user, string key, string method, string path, DateTimeOffset now) =>
        Sign(key, "HS256", new Dictionary<string, object>
        {
            ["iss"] = user,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["qsh"] = Qsh(method, path),
        });

    /// <summary>Builds a token from any header algorithm name and claims (tests use it for bad tokens).</summary>
    public static string Sign(string key, string alg, IReadOnlyDictionary<string, object> claims)
    {
        ArgumentNullException.ThrowIfNull(key);
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["alg"] = alg, ["typ"] = "JWT" }, ClientJsonContext.Default.DictionaryStringString));
        var body = Encode(JsonSerializer.SerializeToUtf8Bytes(claims.ToDictionary(c => c.Key, c => JsonSerializer.SerializeToElement(c.Value, c.Value.GetType(), ClientJsonContext.Default)), ClientJsonContext.Default.DictionaryStringJsonElement));
        var input = Encoding.ASCII.GetBytes(header + "." + body);
        var keyBytes = Encoding.UTF8.GetBytes(key);
        var signature = alg switch
        {
            "HS384" => HMACSHA384.HashData(keyBytes, input),
            "HS512" => HMACSHA512.HashData(keyBytes, input),
            "none" => [],
            _ => HMACSHA256.HashData(keyBytes, input),
        };
        return header + "." + body + "." + Encode(signature);
    }

    public static string Qsh(string method, string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(method + "&" + path)));

    private static string Encode(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}
