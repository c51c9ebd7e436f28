using System.Security.Cryptography;

namespace Aplo.Core.Operations;

/// <summary>Makes Heketi-style ids: 16 random bytes as 32 lowercase hex characters.</summary>
public interface IIdGenerator
{
    string NewId();
}

/// <summary>The production id source.</summary>
public sealed class RandomIdGenerator : IIdGenerator
{
    public string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
