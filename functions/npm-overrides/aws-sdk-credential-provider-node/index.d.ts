import type { AwsCredentialIdentityProvider } from '@smithy/types';

export declare const defaultProvider: (init?: object) => AwsCredentialIdentityProvider;
