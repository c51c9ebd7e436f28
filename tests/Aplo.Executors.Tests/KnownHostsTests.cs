using System.Security.Cryptography;
using System.Text;
using Aplo.Executors.Transports.Ssh;

namespace Aplo.Executors.Tests;

public sealed class KnownHostsTests
{
    private static readonly byte[] Key = [0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 32, .. Enumerable.Repeat((byte)7, 32)];
    private static readonly byte[] OtherKey = [0, 0, 0, 11, .. "ssh-ed25519"u8, 0, 0, 0, 32, .. Enumerable.Repeat((byte)9, 32)];
    private static readonly string KeyText = Convert.ToBase64String(Key);

    [Fact]
    public void Check_PlainEntry_TrustsTheListedKeyOnly()
    {
        var hosts = KnownHosts.Parse($"# lab\n\n10.213.13.11,gl-n1 ssh-ed25519 {KeyText} root@lab\n");

        Assert.Equal(KnownHostVerdict.Trusted, hosts.Check("10.213.13.11", 22, Key));
        Assert.Equal(KnownHostVerdict.Trusted, hosts.Check("GL-N1", 22, Key));
        Assert.Equal(KnownHostVerdict.Mismatch, hosts.Check("10.213.13.11", 22, OtherKey));
        Assert.Equal(KnownHostVerdict.Unknown, hosts.Check("10.213.13.12", 22, Key));
    }

    [Fact]
    public void Check_NonStandardPort_NeedsBracketedEntry()
    {
        var hosts = KnownHosts.Parse($"[10.0.0.1]:2222 ssh-ed25519 {KeyText}\n");

        Assert.Equal(KnownHostVerdict.Trusted, hosts.Check("10.0.0.1", 2222, Key));
        Assert.Equal(KnownHostVerdict.Unknown, hosts.Check("10.0.0.1", 22, Key));
    }

    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5350", Justification = "OpenSSH's hashed known_hosts format is defined with HMAC-SHA1.")]
    public void Check_HashedEntry_Matches()
    {
        var salt = Enumerable.Range(1, 20).Select(i => (byte)i).ToArray();
        var hash = HMACSHA1.HashData(salt, Encoding.ASCII.GetBytes("node7.example.com"));
        var hosts = KnownHosts.Parse($"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(hash)} ssh-ed25519 {KeyText}\n");

        Assert.Equal(KnownHostVerdict.Trusted, hosts.Check("node7.example.com", 22, Key));
        Assert.Equal(KnownHostVerdict.Unknown, hosts.Check("node8.example.com", 22, Key));
    }

    [Fact]
    public void Check_WildcardAndNegation_FollowOpenSsh()
    {
        var hosts = KnownHosts.Parse($"*.storage.example.com,!bad.storage.example.com ssh-ed25519 {KeyText}\n");

        Assert.Equal(KnownHostVerdict.Trusted, hosts.Check("n1.storage.example.com", 22, Key));
        Assert.Equal(KnownHostVerdict.Unknown, hosts.Check("bad.storage.example.com", 22, Key));
    }

    [Fact]
    public void Check_RevokedKey_IsRejectedEvenWhenAlsoListed()
    {
        var hosts = KnownHosts.Parse($"n1 ssh-ed25519 {KeyText}\n@revoked * ssh-ed25519 {KeyText}\n");

        Assert.Equal(KnownHostVerdict.Revoked, hosts.Check("n1", 22, Key));
    }

    [Fact]
    public void Check_CertAuthorityAndBrokenLines_AreIgnored()
    {
        var hosts = KnownHosts.Parse($"@cert-authority * ssh-ed25519 {KeyText}\nn1 ssh-ed25519 not-base64!\nn1\n");

        Assert.Equal(KnownHostVerdict.Unknown, hosts.Check("n1", 22, Key));
    }
}
