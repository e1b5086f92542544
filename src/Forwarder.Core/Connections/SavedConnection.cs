using Forwarder.Core.Frames;
using Forwarder.Core.Services;

namespace Forwarder.Core.Connections;

/// <summary>
/// A connection or persistence template as a state file keeps it across a restart: what it is (protocol and the
/// three address pairs), whom it belongs to (its service's key and its real server's own port, so the restored
/// table can bind it again), how it is forwarded, where its TCP state stands, and how long it has left.
/// Ids are the saving table's slot + 1; a connection names its controlling template by that id (0: none).
/// </summary>
public readonly record struct SavedConnection(
    int Id,
    bool IsTemplate,
    IpProtocol Protocol,
    InetAddress ClientAddress,
    ushort ClientPort,
    InetAddress VirtualAddress,
    ushort VirtualPort,
    InetAddress DestinationAddress,
    ushort DestinationPort,
    ServiceKey Service,
    ushort ServerPort,
    ForwardingMethod Method,
    TcpState State,
    ConnectionFlags Flags,
    long RemainingMicroseconds,
    int TemplateId);
