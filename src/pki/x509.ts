// kite's one entry to @peculiar/x509. The library resolves its algorithms through tsyringe, which
// needs a Reflect metadata polyfill loaded before it, and it must sign with Node's webcrypto:
// importing it from here guarantees both, whatever file happens to load first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export * from '@peculiar/x509';
