using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Forwarder.Ipvsadm.Execution;

namespace Forwarder.Ipvsadm.Control;

/// <summary>
/// The control protocol's framing: one request and one response per connection, each a frame of
/// <code>
/// frame    = magic(4 ASCII bytes) length(u32) payload[length]      ; integers big-endian, length ≤ 16 MiB
/// request  = magic "FWQ1", payload = count(u32) string[count] stdin(string)
/// response = magic "FWR1", payload = exit(i32) stdout(string) stderr(string)
/// string   = length(u32) UTF-8 bytes[length]
/// </code>
/// The client sends its request and reads the response; the server answers and closes.
/// </summary>
public static class ControlFraming
{
    public const int MaximumPayloadBytes = 16 * 1024 * 1024;

    private static readonly byte[] RequestMagic = "FWQ1"u8.ToArray();
    private static readonly byte[] ResponseMagic = "FWR1"u8.ToArray();

    public static async Task WriteRequestAsync(Stream stream, IpvsadmInvocation invocation, CancellationToken cancellationToken)
    {
        var payload = new PayloadWriter();
        payload.WriteUInt32((uint)invocation.Arguments.Count);
        foreach (var argument in invocation.Arguments)
        {
            payload.WriteString(argument);
        }
        payload.WriteString(invocation.StandardInput);
        await WriteFrameAsync(stream, RequestMagic, payload.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IpvsadmInvocation> ReadRequestAsync(Stream stream, CancellationToken cancellationToken)
    {
        var payload = new PayloadReader(await ReadFrameAsync(stream, RequestMagic, cancellationToken).ConfigureAwait(false));
        var count = payload.ReadUInt32();
        // Every argument takes at least its 4-byte length, which bounds a lying count.
        if (count > MaximumPayloadBytes / sizeof(uint))
        {
            throw new ControlProtocolException($"a request cannot hold {count} arguments");
        }
        var arguments = new string[count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = payload.ReadString();
        }
        var standardInput = payload.ReadString();
        payload.EnsureEnd();
        return new IpvsadmInvocation(arguments, standardInput);
    }

    public static async Task WriteResponseAsync(Stream stream, IpvsadmResult result, CancellationToken cancellationToken)
    {
        var payload = new PayloadWriter();
        payload.WriteUInt32(unchecked((uint)result.ExitCode));
        payload.WriteString(result.StandardOutput);
        payload.WriteString(result.StandardError);
        await WriteFrameAsync(stream, ResponseMagic, payload.ToArray(), cancellationToken).ConfigureAwait(false);
    }

    public static async Task<IpvsadmResult> ReadResponseAsync(Stream stream, CancellationToken cancellationToken)
    {
        var payload = new PayloadReader(await ReadFrameAsync(stream, ResponseMagic, cancellationToken).ConfigureAwait(false));
        var exitCode = unchecked((int)payload.ReadUInt32());
        var output = payload.ReadString();
        var errors = payload.ReadString();
        payload.EnsureEnd();
        return new IpvsadmResult(exitCode, output, errors);
    }

    private static async Task WriteFrameAsync(Stream stream, byte[] magic, byte[] payload, CancellationToken cancellationToken)
    {
        if (payload.Length > MaximumPayloadBytes)
        {
            throw new ControlProtocolException($"a control message of {payload.Length} bytes is over the {MaximumPayloadBytes}-byte limit");
        }
        var header = new byte[8];
        magic.CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)payload.Length);
        await stream.WriteAsync(header, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(payload, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<byte[]> ReadFrameAsync(Stream stream, byte[] magic, CancellationToken cancellationToken)
    {
        var header = new byte[8];
        await ReadExactlyAsync(stream, header, cancellationToken).ConfigureAwait(false);
        if (!header.AsSpan(0, 4).SequenceEqual(magic))
        {
            throw new ControlProtocolException("not a forwarder control message");
        }
        var length = BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4));
        if (length > MaximumPayloadBytes)
        {
            throw new ControlProtocolException($"a control message of {length} bytes is over the {MaximumPayloadBytes}-byte limit");
        }
        var payload = new byte[length];
        await ReadExactlyAsync(stream, payload, cancellationToken).ConfigureAwait(false);
        return payload;
    }

    private static async Task ReadExactlyAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException cut)
        {
            throw new ControlProtocolException("the control message ended early", cut);
        }
    }

    private sealed class PayloadWriter
    {
        private readonly ArrayBufferWriter<byte> _bytes = new();

        public void WriteUInt32(uint value)
        {
            BinaryPrimitives.WriteUInt32BigEndian(_bytes.GetSpan(sizeof(uint)), value);
            _bytes.Advance(sizeof(uint));
        }

        public void WriteString(string text)
        {
            var length = Encoding.UTF8.GetByteCount(text);
            WriteUInt32((uint)length);
            Encoding.UTF8.GetBytes(text, _bytes.GetSpan(length));
            _bytes.Advance(length);
        }

        public byte[] ToArray() => _bytes.WrittenSpan.ToArray();
    }

    private sealed class PayloadReader(byte[] payload)
    {
        private int _position;

        public uint ReadUInt32()
        {
            if (payload.Length - _position < 4)
            {
                throw new ControlProtocolException("the control message ended early");
            }
            var value = BinaryPrimitives.ReadUInt32BigEndian(payload.AsSpan(_position));
            _position += 4;
            return value;
        }

        public string ReadString()
        {
            var length = ReadUInt32();
            if (length > (uint)(payload.Length - _position))
            {
                throw new ControlProtocolException("a string runs past the end of the control message");
            }
            var text = Encoding.UTF8.GetString(payload, _position, (int)length);
            _position += (int)length;
            return text;
        }

        public void EnsureEnd()
        {
            if (_position != payload.Length)
            {
                throw new ControlProtocolException("the control message has bytes after its last field");
            }
        }
    }
}
