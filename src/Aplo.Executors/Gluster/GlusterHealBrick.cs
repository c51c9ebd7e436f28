namespace Aplo.Executors.Gluster;

/// <summary>
/// One brick of <c>volume heal &lt;v&gt; info --xml</c>. <see cref="NumberOfEntries"/> is null when Gluster
/// reports <c>-</c> (the brick could not be asked).
/// </summary>
public sealed record GlusterHealBrick(string HostUuid, string Name, string Status, long? NumberOfEntries);
