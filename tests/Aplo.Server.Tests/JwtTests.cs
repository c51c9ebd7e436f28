using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Aplo.Client;
using Aplo.Contracts;
using Aplo.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Aplo.Server.Tests;

/// <summary>
/// Heketi's JWT rules (reference §2) against a real server whose clock is a <see cref="FakeTimeProvider"/>, so
/// every token is made relative to the time the server sees.
/// </summary>
public sealed class JwtTests : IAsyncLifetime
{
    private const string FormatError = "Authorization header format must be Bearer {token}";
    private const string NoToken = "Required authorization token not found";
    private const string BadSignature = "Invalid JWT token: signature is invalid (client and server secrets may not match)";

    private readonly FakeTimeProvider time = new(new DateTimeOffset(2025, 3, 14, 15, 9, 26, TimeSpan.Zero));
    private AploHost host = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    public async ValueTask InitializeAsync() => host = await AploHost.StartAsync(time: time, cancellationToken: Ct);

    public async ValueTask DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task Request_WithValidAdminToken_IsServed()
    {
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(Claims("GET", "/clusters")));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"clusters\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithoutAuthorizationHeader_Is401TokenNotFound()
    {
        var (status, body) = await SendAsync("GET", "/clusters", authorization: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(NoToken, body);
    }

    [Fact]
    public async Task Request_WithEmptyAuthorizationHeader_Is401TokenNotFound()
    {
        var (status, body) = await SendAsync("GET", "/clusters", string.Empty);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(NoToken, body);
    }

    [Fact]
    public async Task Request_WithUnknownPathAndNoToken_IsRefusedBeforeRouting()
    {
        var (status, body) = await SendAsync("GET", "/no-such-path", authorization: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(NoToken, body);
    }

    [Fact]
    public void Validate_BearerWithEmptyToken_Is401TokenNotFound()
    {
        var validator = new Auth.JwtValidator(Encoding.UTF8.GetBytes(AploHost.AdminKey), Encoding.UTF8.GetBytes(AploHost.UserKey), TimeSpan.FromSeconds(120), time);
        var result = validator.Validate("Bearer ", "GET", "/clusters");
        Assert.False(result.Succeeded);
        Assert.Equal(401, result.Status);
        Assert.Equal(NoToken, result.Error);
    }

    /// <summary>
    /// "Bearer " with an empty token cannot reach a server over HTTP/1.1: field values exclude trailing whitespace,
    /// so Kestrel (like Go's net/http under Heketi) hands over "Bearer", a header of one part. Heketi answers 400
    /// to that, so Aplo must too; the 401 for an empty token is covered by the validator test above.
    /// </summary>
    [Fact]
    public async Task Request_WithBearerAndEmptyTokenOnTheWire_Is400LikeHeketi()
    {
        var (status, body) = await SendAsync("GET", "/clusters", "Bearer ");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(FormatError, body);
    }

    [Theory]
    [InlineData("Basic x")]
    [InlineData("Bearer a b")]
    [InlineData("Token abc.def.ghi")]
    [InlineData("Bearer")]
    public async Task Request_WithMalformedHeader_Is400FormatMustBeBearer(string authorization)
    {
        var (status, body) = await SendAsync("GET", "/clusters", authorization);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(FormatError, body);
    }

    [Fact]
    public async Task Request_WithBasicSchemeAndValidToken_Is400()
    {
        var token = Sign(Claims("GET", "/clusters"));
        var (status, body) = await SendAsync("GET", "/clusters", "Basic " + token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(FormatError, body);
    }

    [Theory]
    [InlineData("BEARER")]
    [InlineData("bearer")]
    [InlineData("BeArEr")]
    public async Task Request_SchemeInAnyCase_IsAccepted(string scheme)
    {
        var (status, _) = await SendAsync("GET", "/clusters", scheme + " " + Sign(Claims("GET", "/clusters")));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Request_SignedWithWrongKey_Is401SignatureInvalid()
    {
        var token = HeketiToken.Sign("not-the-admin-secret", "HS256", Claims("GET", "/clusters"));
        var (status, body) = await SendAsync("GET", "/clusters", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(BadSignature, body);
    }

    [Fact]
    public async Task Request_UserTokenSignedWithAdminKey_Is401SignatureInvalid()
    {
        var token = HeketiToken.Sign(AploHost.AdminKey, "HS256", Claims("GET", "/volumes", iss: "user"));
        var (status, body) = await SendAsync("GET", "/volumes", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(BadSignature, body);
    }

    [Fact]
    public async Task Request_WithTamperedClaims_Is401SignatureInvalid()
    {
        var token = Sign(Claims("GET", "/clusters", iss: "user"));
        var parts = token.Split('.');
        var adminClaims = Sign(Claims("GET", "/clusters")).Split('.')[1];
        var (status, body) = await SendAsync("GET", "/clusters", $"Bearer {parts[0]}.{adminClaims}.{parts[2]}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(BadSignature, body);
    }

    [Fact]
    public async Task Request_WithAlgNone_Is401UnexpectedSigningMethod()
    {
        var token = HeketiToken.Sign(AploHost.AdminKey, "none", Claims("GET", "/clusters"));
        var (status, body) = await SendAsync("GET", "/clusters", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Invalid JWT token: Unexpected signing method", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_WithRs256Header_Is401UnexpectedSigningMethod()
    {
        var token = HeketiToken.Sign(AploHost.AdminKey, "RS256", Claims("GET", "/clusters"));
        var (status, body) = await SendAsync("GET", "/clusters", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Invalid JWT token: Unexpected signing method", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("HS256")]
    [InlineData("HS384")]
    [InlineData("HS512")]
    public async Task Request_WithAnyHmacAlgorithm_IsAccepted(string alg)
    {
        var (status, _) = await SendAsync("GET", "/clusters", "Bearer " + HeketiToken.Sign(AploHost.AdminKey, alg, Claims("GET", "/clusters")));
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Request_WithHs512HeaderButHs256Signature_Is401SignatureInvalid()
    {
        var hs512 = HeketiToken.Sign(AploHost.AdminKey, "HS512", Claims("GET", "/clusters")).Split('.');
        var input = Encoding.ASCII.GetBytes(hs512[0] + "." + hs512[1]);
        var hs256 = Base64Url(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AploHost.AdminKey), input));
        var (status, body) = await SendAsync("GET", "/clusters", $"Bearer {hs512[0]}.{hs512[1]}.{hs256}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(BadSignature, body);
    }

    [Fact]
    public async Task Request_WithNotAJwt_Is401InvalidToken()
    {
        var (status, body) = await SendAsync("GET", "/clusters", "Bearer not-a-jwt");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Invalid JWT token: ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("root")]
    [InlineData("Admin")]
    [InlineData("USER")]
    public async Task Request_WithUnknownIssuer_Is401UnknownUser(string iss)
    {
        var token = HeketiToken.Sign(AploHost.AdminKey, "HS256", Claims("GET", "/clusters", iss: iss));
        var (status, body) = await SendAsync("GET", "/clusters", "Bearer " + token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid JWT token: Unknown user", body);
    }

    [Fact]
    public async Task Request_WithoutIssuer_Is401MissingIss()
    {
        var claims = Claims("GET", "/clusters");
        claims.Remove("iss");
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(claims));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid JWT token: Token missing iss claim", body);
    }

    [Theory]
    [InlineData(1, "1s")]
    [InlineData(59, "59s")]
    [InlineData(60, "1m0s")]
    [InlineData(90, "1m30s")]
    [InlineData(3599, "59m59s")]
    [InlineData(3600, "1h0m0s")]
    [InlineData(3723, "1h2m3s")]
    [InlineData(90000, "25h0m0s")]
    public async Task Request_WithExpiredToken_Is401ExpiredByGoDuration(long secondsAgo, string goDuration)
    {
        var claims = Claims("GET", "/clusters");
        claims["exp"] = Now - secondsAgo;
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(claims));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid JWT token: Token is expired by " + goDuration, body);
    }

    [Fact]
    public async Task Request_WhenServerClockPassesExp_IsExpiredByTheElapsedTime()
    {
        var claims = Claims("GET", "/clusters");
        claims["exp"] = Now + 300;
        var token = Bearer(claims);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/clusters", token)).Status);

        time.Advance(TimeSpan.FromSeconds(300));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/clusters", token)).Status);

        time.Advance(TimeSpan.FromSeconds(125));
        var (status, body) = await SendAsync("GET", "/clusters", token);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid JWT token: Token is expired by " + GoDuration(TimeSpan.FromSeconds(125)), body);
    }

    [Fact]
    public async Task Request_WithoutExp_Is401Expired()
    {
        var claims = Claims("GET", "/clusters");
        claims.Remove("exp");
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(claims));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Invalid JWT token: Token is expired", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(119)]
    [InlineData(120)]
    public async Task Request_WithIatWithinLeewayInTheFuture_IsAccepted(long secondsAhead)
    {
        var claims = Claims("GET", "/clusters");
        claims["iat"] = Now + secondsAhead;
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/clusters", Bearer(claims))).Status);
    }

    [Theory]
    [InlineData(121)]
    [InlineData(3600)]
    public async Task Request_WithIatBeyondLeeway_Is401UsedBeforeIssued(long secondsAhead)
    {
        var claims = Claims("GET", "/clusters");
        claims["iat"] = Now + secondsAhead;
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(claims));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid JWT token: Token used before issued (client and server clocks may differ)", body);
    }

    [Fact]
    public async Task Request_WithoutIat_IsAccepted()
    {
        var claims = Claims("GET", "/clusters");
        claims.Remove("iat");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync("GET", "/clusters", Bearer(claims))).Status);
    }

    [Fact]
    public async Task Request_WithNbfInTheFuture_Is401()
    {
        var claims = Claims("GET", "/clusters");
        claims["nbf"] = Now + 60;
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(claims));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("Invalid JWT token: ", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET", "/volumes")]
    [InlineData("POST", "/clusters")]
    [InlineData("GET", "/clusters/")]
    [InlineData("get", "/clusters")]
    [InlineData("GET", "/CLUSTERS")]
    public async Task Request_WithQshOfAnotherMethodOrPath_Is401InvalidQsh(string signedMethod, string signedPath)
    {
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(Claims(signedMethod, signedPath)));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid qsh claim in token", body);
    }

    [Fact]
    public async Task Request_WithoutQsh_Is401InvalidQsh()
    {
        var claims = Claims("GET", "/clusters");
        claims.Remove("qsh");
        var (status, body) = await SendAsync("GET", "/clusters", Bearer(claims));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Invalid qsh claim in token", body);
    }

    [Fact]
    public async Task Request_WithQueryString_QshCoversThePathOnly()
    {
        var (status, _) = await SendAsync("GET", "/clusters?verbose=1", Bearer(Claims("GET", "/clusters")));
        Assert.Equal(HttpStatusCode.OK, status);

        var (withQuery, body) = await SendAsync("GET", "/clusters?verbose=1", Bearer(Claims("GET", "/clusters?verbose=1")));
        Assert.Equal(HttpStatusCode.Unauthorized, withQuery);
        Assert.Equal("Invalid qsh claim in token", body);
    }

    [Theory]
    [InlineData("GET", "/clusters")]
    [InlineData("POST", "/clusters")]
    [InlineData("GET", "/nodes/0123456789abcdef0123456789abcdef")]
    [InlineData("POST", "/nodes")]
    [InlineData("POST", "/devices")]
    [InlineData("GET", "/devices/0123456789abcdef0123456789abcdef")]
    [InlineData("DELETE", "/volumes/0123456789abcdef0123456789abcdef")]
    [InlineData("POST", "/volumes/0123456789abcdef0123456789abcdef/expand")]
    [InlineData("GET", "/no-such-path")]
    public async Task Request_UserRoleOnAdminPath_Is401AdministratorAccessRequired(string method, string path)
    {
        var (status, body) = await SendAsync(method, path, Bearer(Claims(method, path, iss: "user"), AploHost.UserKey), "{}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Administrator access required", body);
    }

    [Fact]
    public async Task Request_UserRoleOnVolumeCreatedByAdmin_Is401AdministratorAccessRequired()
    {
        var admin = host.Admin();
        await TopologyBuilder.BuildAsync(admin, 3, 1, 1, Ct);
        var volume = await admin.VolumeCreateAsync(new VolumeCreateRequest { Size = 1 }, Ct);
        var path = "/volumes/" + volume.Id;

        var (status, body) = await SendAsync("GET", path, Bearer(Claims("GET", path, iss: "user"), AploHost.UserKey));
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("Administrator access required", body);
    }

    [Fact]
    public async Task Request_UserRoleOnVolumeList_IsServed()
    {
        var (status, body) = await SendAsync("GET", "/volumes", Bearer(Claims("GET", "/volumes", iss: "user"), AploHost.UserKey));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"volumes\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_UserRoleOnVolumeCreate_IsAccepted()
    {
        await TopologyBuilder.BuildAsync(host.Admin(), 3, 1, 1, Ct);
        using var raw = host.Raw();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/volumes")
        {
            Content = new StringContent("""{"size":1}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", Bearer(Claims("POST", "/volumes", iss: "user"), AploHost.UserKey));
        using var response = await raw.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Matches("^/queue/[0-9a-f]{32}$", response.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("/hello")]
    [InlineData("/metrics")]
    public async Task Request_ToHelloOrMetrics_NeedsNoToken(string path)
    {
        var (status, _) = await SendAsync("GET", path, authorization: null);
        Assert.Equal(HttpStatusCode.OK, status);

        var (withGarbage, _) = await SendAsync("GET", path, "Basic garbage");
        Assert.Equal(HttpStatusCode.OK, withGarbage);
    }

    [Fact]
    public async Task Server_WithAuthDisabled_ServesRequestsWithoutAToken()
    {
        await using var open = await AploHost.StartAsync(configure: o => o with { AuthEnabled = false }, time: time, cancellationToken: Ct);
        using var raw = open.Raw();

        using (var response = await raw.GetAsync("/clusters", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var created = await raw.PostAsync("/clusters", new StringContent("{}", Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/clusters");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic garbage");
        using var ignored = await raw.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, ignored.StatusCode);
    }

    private Dictionary<string, object> Claims(string method, string path, string iss = "admin") => new()
    {
        ["iss"] = iss,
        ["iat"] = Now,
        ["exp"] = Now + 300,
        ["qsh"] = Qsh(method, path),
    };

    private static string Sign(Dictionary<string, object> claims, string key = AploHost.AdminKey) => HeketiToken.Sign(key, "HS256", claims);

    private static string Bearer(Dictionary<string, object> claims, string key = AploHost.AdminKey) => "Bearer " + Sign(claims, key);

    /// <summary>Reference §2: lowercase hex of SHA-256 over <c>METHOD&amp;path</c>.</summary>
    private static string Qsh(string method, string path)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(method + "&" + path));
        return string.Concat(hash.Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
    }

    /// <summary>Go's time.Duration.String() for whole seconds.</summary>
    private static string GoDuration(TimeSpan d) =>
        d < TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)d.TotalSeconds}s")
            : d < TimeSpan.FromHours(1)
                ? string.Create(CultureInfo.InvariantCulture, $"{d.Minutes}m{d.Seconds}s")
                : string.Create(CultureInfo.InvariantCulture, $"{(long)d.TotalHours}h{d.Minutes}m{d.Seconds}s");

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(string method, string path, string? authorization, string? body = null)
    {
        using var raw = host.Raw();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null && method != "GET")
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await raw.SendAsync(request, Ct);
        return (response.StatusCode, (await response.Content.ReadAsStringAsync(Ct)).Trim());
    }
}
