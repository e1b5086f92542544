using System.Net;

namespace Forwarder.Core.Sync;

/// <summary>What <c>--start-daemon</c> asks for: the interface, and each option null when not given.</summary>
public sealed record SyncDaemonOptions(string Interface, int? SyncId = null, int? MaximumLength = null, IPAddress? Group = null, int? Port = null, int? Ttl = null);
