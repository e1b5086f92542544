namespace Forwarder.Keepalived.Configuration;

/// <summary>What the director takes from a keepalived.conf: its virtual servers, and every line it reported and went past.</summary>
public sealed class KeepalivedConfiguration
{
    public KeepalivedConfiguration(IReadOnlyList<VirtualServerConfig> virtualServers, IReadOnlyList<ConfigDiagnostic> diagnostics)
    {
        VirtualServers = virtualServers;
        Diagnostics = diagnostics;
    }

    public IReadOnlyList<VirtualServerConfig> VirtualServers { get; }

    public IReadOnlyList<ConfigDiagnostic> Diagnostics { get; }
}
