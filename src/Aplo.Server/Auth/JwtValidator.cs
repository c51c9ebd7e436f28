using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Aplo.Server.Auth;

/// <summary>What a token check concluded: a role, or a status and Heketi's message.</summary>
public readonly record struct AuthResult(string? Role, int Status, string? Error)
{
    public bool Succeeded => Role is not null;

    public static AuthResult Ok(string role) => new(role, 200, null);

    public static AuthResult Fail(int status, string error) => new(null, status, error);
}

/// <summary>
/// Heketi's JWT rules exactly (reference §2): HMAC only, key chosen by <c>iss</c> (admin or user), <c>exp</c>
/// required with no leeway, <c>iat</c> allowed up to the leeway in the future, <c>nbf</c> honoured, and
/// <c>qsh</c> = sha256 hex of <c>METHOD&amp;path</c>. Messages are Heketi's, since tools match on them.
/// </summary>
public sealed class JwtValidator(byte[] adminKey, byte[] userKey, TimeSpan iatLeeway, TimeProvider time)
{
    public const string Admin = "admin";
    public const string User = "user";

    public AuthResult Validate(string? authorization, string method, string path)
    {
        if (string.IsNullOrEmpty(authorization))
        {
            return AuthResult.Fail(401, "Required authorization token not found");
        }

        var parts = authorization.Split(' ');
        if (parts.Length != 2 || !parts[0].Equals("bearer", StringComparison.OrdinalIgnoreCase))
        {
            return AuthResult.Fail(400, "Authorization header format must be Bearer {token}");
        }

        var token = parts[1];
        if (token.Length == 0)
        {
            return AuthResult.Fail(401, "Required authorization token not found");
        }

        var segments = token.Split('.');
        if (segments.Length != 3)
        {
            return Invalid("token contains an invalid number of segments");
        }

        JsonElement header;
        JsonElement claims;
        try
        {
            header = ParseSegment(segments[0]);
            claims = ParseSegment(segments[1]);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return Invalid("token is malformed: " + ex.Message);
        }

        var alg = header.ValueKind == JsonValueKind.Object && header.TryGetProperty("alg", out var a) && a.ValueKind == JsonValueKind.String
            ? a.GetString()
            : null;
        Func<byte[], byte[], byte[]>? hmac = alg switch
        {
            "HS256" => HMACSHA256.HashData,
            "HS384" => HMACSHA384.HashData,
            "HS512" => HMACSHA512.HashData,
            _ => null,
        };
        if (hmac is null)
        {
            return alg is "none" or "RS256" or "RS384" or "RS512" or "ES256" or "ES384" or "ES512" or "PS256" or "PS384" or "PS512"
                ? Invalid($"Unexpected signing method: {alg}")
                : Invalid("signing method (alg) is unavailable.");
        }

        if (claims.ValueKind != JsonValueKind.Object)
        {
            return Invalid("token is malformed: claims are not an object");
        }

        var issuer = StringClaim(claims, "iss");
        byte[] key;
        switch (issuer)
        {
            case Admin:
                key = adminKey;
                break;
            case User:
                key = userKey;
                break;
            case null or "":
                return Invalid("Token missing iss claim");
            default:
                return Invalid("Unknown user");
        }

        // As jwt-go does: claims are checked first, then the signature, and the last failure is the one reported.
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        string? failure = null;
        var exp = NumberClaim(claims, "exp") ?? 0;
        if (now > exp)
        {
            failure = "Token is expired by " + GoDuration(now - exp);
        }

        if (NumberClaim(claims, "iat") is { } iat && now < iat - (long)iatLeeway.TotalSeconds)
        {
            failure = "Token used before issued";
        }

        if (NumberClaim(claims, "nbf") is { } nbf && now < nbf)
        {
            failure = "token is not valid yet";
        }

        byte[] signature;
        try
        {
            signature = Base64UrlDecode(segments[2]);
        }
        catch (FormatException)
        {
            signature = [];
        }

        var expected = hmac(key, Encoding.ASCII.GetBytes(segments[0] + "." + segments[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            failure = "signature is invalid";
        }

        if (failure is not null)
        {
            var message = "Invalid JWT token: " + failure;
            if (failure == "signature is invalid")
            {
                message += " (client and server secrets may not match)";
            }
            else if (failure == "Token used before issued")
            {
                message += " (client and server clocks may differ)";
            }

            return AuthResult.Fail(401, message);
        }

        if (StringClaim(claims, "qsh") != Qsh(method, path))
        {
            return AuthResult.Fail(401, "Invalid qsh claim in token");
        }

        return AuthResult.Ok(issuer);
    }

    /// <summary>The query string hash Heketi binds a token to: sha256 hex of <c>METHOD&amp;path</c>.</summary>
    public static string Qsh(string method, string path) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(method + "&" + path)));

    /// <summary>Formats seconds as Go's time.Duration does (e.g. 1h2m3s, 4m0s, 5s).</summary>
    public static string GoDuration(long seconds)
    {
        if (seconds < 60)
        {
            return seconds.ToString(CultureInfo.InvariantCulture) + "s";
        }

        var h = seconds / 3600;
        var m = seconds % 3600 / 60;
        var s = seconds % 60;
        return h > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h}h{m}m{s}s")
            : string.Create(CultureInfo.InvariantCulture, $"{m}m{s}s");
    }

    private static AuthResult Invalid(string reason) => AuthResult.Fail(401, "Invalid JWT token: " + reason);

    private static string? StringClaim(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static long? NumberClaim(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? (long)v.GetDouble() : null;

    private static JsonElement ParseSegment(string segment)
    {
        using var doc = JsonDocument.Parse(Base64UrlDecode(segment));
        return doc.RootElement.Clone();
    }

    private static byte[] Base64UrlDecode(string value) => System.Buffers.Text.Base64Url.DecodeFromChars(value);
}
