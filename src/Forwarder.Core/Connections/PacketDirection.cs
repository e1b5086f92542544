namespace Forwarder.Core.Connections;

/// <summary>
/// Which of IPVS's three TCP state tables a packet moves a connection through: client to server
/// (Input), server to client as NAT sees it (Output), and client to server on a connection whose
/// replies bypass the director, direct routing and tunnelling (InputOnly).
/// </summary>
public enum PacketDirection : byte
{
    Input,
    Output,
    InputOnly,
}
