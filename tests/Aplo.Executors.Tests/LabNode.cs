namespace Aplo.Executors.Tests;

/// <summary>One node of the lab as nodes.json lists it.</summary>
public sealed record LabNode(string Name, string Ip, IReadOnlyList<string> Devices);
