using System.Text;
using Gadget.Gadgets.Trace.Sni;
using static Gadget.Tests.Gadgets.Sni.TlsHello;

namespace Gadget.Tests.Gadgets.Sni;

/// <summary>The SNI search on ClientHellos as clients send them and as a broken or hostile peer
/// could: it finds the name or gives up, never throws, never reads past the data.</summary>
public class TlsClientHelloTests
{
    private static string? Name(byte[] data) =>
        TlsClientHello.TryGetServerName(data, out var name) ? Encoding.ASCII.GetString(name) : null;

    [Fact]
    public void The_server_name_is_found_among_other_extensions()
    {
        Assert.Equal("www.example.com", Name(ClientHello(ServerName("www.example.com"))));
        Assert.Equal("late.example", Name(ClientHello(SupportedVersions, Extension(10, [0, 2, 0, 29]), ServerName("late.example"))));
    }

    [Fact]
    public void A_hello_without_the_extension_or_without_extensions_has_no_name()
    {
        Assert.Null(Name(ClientHello(SupportedVersions)));
        var bare = ClientHello();
        Assert.Null(Name(bare[..^2])); // no extensions block at all
    }

    [Fact]
    public void Only_host_names_count_and_a_nul_ends_the_name()
    {
        Assert.Null(Name(ClientHello(ServerName("x", nameType: 1))));
        Assert.Equal("good", Name(ClientHello(ServerName("good\0bad"))));
        Assert.Null(Name(ClientHello(ServerName(""))));
    }

    [Fact]
    public void Not_a_client_hello_is_not_searched()
    {
        var hello = ClientHello(ServerName("a.example"));
        var alert = (byte[])hello.Clone();
        alert[0] = 0x15;
        var serverHello = (byte[])hello.Clone();
        serverHello[5] = 2;
        Assert.Null(Name(alert));
        Assert.Null(Name(serverHello));
        Assert.Null(Name([]));
        Assert.Null(Name([0x16, 3, 1]));
    }

    [Fact]
    public void A_capture_cut_before_the_name_has_no_name_and_one_that_holds_it_does()
    {
        var hello = ClientHello(SupportedVersions, ServerName("cut.example"));
        for (var length = 0; length < hello.Length; length++)
            Assert.Null(Name(hello[..length]));
        Assert.Equal("cut.example", Name(hello));
    }

    [Fact]
    public void Lengths_that_claim_more_than_their_container_are_refused()
    {
        // An extension whose length runs past the extensions block: the name after it is not believed.
        var lying = ClientHello(Extension(10, [0, 2, 0, 29]), ServerName("hidden.example"));
        var extensionsStart = 5 + 4 + 2 + 32 + 33 + 6 + 2 + 2;
        lying[extensionsStart + 2] = 0xff;
        Assert.Null(Name(lying));

        // A name longer than its list.
        var longName = ClientHello(ServerName("abc"));
        longName[^4] = 0x40; // the low byte of the name's length
        Assert.Null(Name(longName));
    }

    [Fact]
    public void Random_damage_never_throws()
    {
        var random = new Random(99);
        var valid = ClientHello(SupportedVersions, ServerName("fuzz.example"));
        for (var i = 0; i < 100_000; i++)
        {
            var bytes = (byte[])valid.Clone();
            for (var flips = random.Next(1, 6); flips > 0; flips--)
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            bytes = bytes[..random.Next(0, bytes.Length + 1)];
            if (TlsClientHello.TryGetServerName(bytes, out var name))
                Assert.InRange(name.Length, 1, bytes.Length);
        }
    }
}
