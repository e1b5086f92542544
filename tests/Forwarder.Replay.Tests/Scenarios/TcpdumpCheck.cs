namespace Forwarder.Replay.Tests.Scenarios;

/// <summary>One <c>tcpdump</c> line of a scenario: read OUT/Interface.pcap with these options and filter, expect the file's lines.</summary>
public sealed record TcpdumpCheck(string Interface, string Expected, IReadOnlyList<string> Options, string Filter);
